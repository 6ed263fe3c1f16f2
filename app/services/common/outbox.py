"""Queueing notifications in the outbox; the mail channel delivers them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.domain.escalation import NotifyTarget
from app.domain.tiers import tier_label
from app.domain.vocabulary import ActivityKind, Role
from app.extensions import db
from app.models import Notification, Ticket, User
from app.services.common.history import record
from app.services.common.links import absolute_url
from app.services.common.row_batch import RowBatch, add_row


def recipients_for(ticket: Ticket, target: str) -> list[User]:
    """Who a notice to `target` reaches for this ticket."""
    return _recipients(ticket, NotifyTarget(target))


def _recipients(ticket: Ticket, target: NotifyTarget) -> list[User]:
    if target is NotifyTarget.account_manager:
        manager = ticket.organization.account_manager if ticket.organization else None
        return [manager] if manager is not None and manager.active else []
    if target is NotifyTarget.assignee:
        return [ticket.assignee] if ticket.assignee is not None and ticket.assignee.active else []
    if target is NotifyTarget.team:
        if ticket.team_id is None:
            return []
        query = select(User).where(User.team_id == ticket.team_id, User.active.is_(True))
    else:
        query = select(User).where(User.role == Role.admin, User.active.is_(True))
    # Reading people does not depend on the caller's pending changes: no flush needed first.
    with db.session.no_autoflush:
        return list(db.session.scalars(query.order_by(User.id)))


def queue_notification(
    ticket: Ticket,
    target: str,
    *,
    subject: str,
    body: str,
    now: datetime,
    rule_name: str | None = None,
    not_before: datetime | None = None,
    recipients: list[User] | None = None,
    rows: RowBatch | None = None,
    kind: str = "notice",
) -> list[User]:
    """One outbox row per recipient (account manager, assignee, team or admins); returns them.

    A caller that already knows the recipients (the sweep caches them) may pass them; a batch
    collects the rows in `rows`; `kind` is what agents can mute (assigned, escalated, sla, rule,
    vendor_due)."""
    if recipients is None:
        recipients = recipients_for(ticket, target)
    for user in recipients:
        values = {
            "ticket_id": ticket.id,
            "recipient_kind": target,
            "recipient_user_id": user.id,
            "recipient_email": user.email,
            "subject": subject[:200],
            "body": body,
            "rule_name": rule_name,
            "created_at": now,
            "not_before": not_before,
            "kind": kind,
        }
        add_row(Notification, values, rows)
    return recipients


def ticket_summary(ticket: Ticket) -> str:
    organization = ticket.organization.name if ticket.organization else None
    return summary_with_names(ticket, ticket.customer.name, organization)


def summary_with_names(
    ticket: Ticket, customer_name: str, organization_name: str | None, link: str | None = None
) -> str:
    """The summary from names the caller has read already (the sweep reads a batch's at once),
    with the ticket's desk link when the caller has built it (see links.absolute_url_by_id)."""
    return (
        f"Subject: {ticket.subject}\n"
        f"Customer: {customer_name} ({organization_name or 'no organization'})\n"
        f"Where it is: {tier_label(ticket.tier)}, priority {ticket.priority.value}, "
        f"status {ticket.status.value.replace('_', ' ')}\n"
        f"Open it: {link or absolute_url('desk.tickets.ticket', ticket_id=ticket.id)}\n"
    )


def queue_rule_notification(
    ticket: Ticket,
    target: str,
    rule_name: str,
    now: datetime,
    rows: RowBatch | None = None,
    *,
    not_before: datetime | None = None,
) -> int:
    """A rule's notify action: queue the notices (held until `not_before` when given) and say
    in the timeline who was told."""
    recipients = queue_notification(
        ticket,
        target,
        now=now,
        rule_name=rule_name,
        not_before=not_before,
        rows=rows,
        kind="rule",
        subject=f"[{ticket.reference}] {rule_name}: {ticket.subject}",
        body=f"The escalation rule '{rule_name}' asks you to look at {ticket.reference}.\n\n"
        + ticket_summary(ticket),
    )
    names = ", ".join(u.name for u in recipients) or f"nobody (no {target.replace('_', ' ')})"
    held = f", held until {not_before:%Y-%m-%d %H:%M} UTC" if not_before else ""
    record(
        ActivityKind.notification_queued,
        f"Rule '{rule_name}' notified {names} about {ticket.reference}{held}",
        now=now,
        ticket=ticket,
        data={
            "rule": rule_name,
            "target": target,
            "recipients": [u.id for u in recipients],
            "not_before": not_before.isoformat() if not_before else None,
        },
        rows=rows,
    )
    return len(recipients)
