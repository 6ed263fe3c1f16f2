"""Time-based mail: reminders of requests waiting on the customer, and vendor due times passed.

Each is queued once per occasion: a reminder once per waiting period, a vendor notice once per
due time (a notice newer than the moment it became due counts as sent)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import QueryableAttribute

from app.domain.tiers import MAX_TIER
from app.domain.vocabulary import Status
from app.extensions import db
from app.models import Notification, Ticket
from app.services.common.outbox import queue_notification, ticket_summary
from app.services.common.transaction import transaction
from app.services.mail import notices

BATCH = 500


def _not_told(kind: str, since: QueryableAttribute[datetime | None]) -> ColumnElement[bool]:
    return ~exists().where(
        and_(Notification.ticket_id == Ticket.id, Notification.kind == kind, Notification.created_at >= since)
    )


def queue_reminders(now: datetime) -> dict[str, int]:
    """Queue the reminders and vendor notices that are due; returns how many of each."""
    days = timedelta(days=current_app.config["MAIL_REMINDER_DAYS"])
    with transaction():
        waiting = db.session.scalars(
            select(Ticket)
            .where(Ticket.status == Status.pending, Ticket.updated_at <= now - days)
            .where(_not_told("reminder", Ticket.updated_at))
            .order_by(Ticket.id)
            .limit(BATCH)
        ).all()
        for ticket in waiting:
            notices.waiting_on_customer(ticket, now)
        overdue = db.session.scalars(
            select(Ticket)
            .where(Ticket.tier == MAX_TIER, Ticket.vendor_id.is_not(None), Ticket.vendor_due_at <= now)
            .where(Ticket.status.not_in((Status.solved, Status.closed)))
            .where(_not_told("vendor_due", Ticket.vendor_due_at))
            .order_by(Ticket.id)
            .limit(BATCH)
        ).all()
        for ticket in overdue:
            target = "assignee" if ticket.assignee_id else "team" if ticket.team_id else "admins"
            queue_notification(
                ticket,
                target,
                now=now,
                kind="vendor_due",
                subject=f"[{ticket.reference}] the vendor's due time has passed",
                body=f"{ticket.vendor.name if ticket.vendor else 'The vendor'} was due to answer "
                f"{ticket.reference} by {ticket.vendor_due_at:%Y-%m-%d %H:%M} UTC"
                + (f" (their reference {ticket.vendor_reference})" if ticket.vendor_reference else "")
                + ".\n\n"
                + ticket_summary(ticket),
            )
    return {"reminded": len(waiting), "vendor_due": len(overdue)}
