"""Telling people when a vendor's due time passes: the tier-4 team coordinating the hand-off and
the agent who had the ticket before the vendor did, once per ticket and due time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from app.domain.tiers import MAX_TIER
from app.domain.vocabulary import ACTIVE_STATUSES, ActivityKind
from app.domain.webhooks import WebhookEvent
from app.extensions import db
from app.models import Activity, Ticket, User, VendorOverdueNotice
from app.models.types import utcnow
from app.services.common.history import record
from app.services.common.outbox import queue_notification, recipients_for, ticket_summary
from app.services.common.transaction import transaction
from app.services.webhooks.events import emit

BATCH = 200


def overdue_handoffs(now: datetime, limit: int = BATCH) -> list[Ticket]:
    """Active tickets a vendor holds past its due time that nobody was told about yet (read
    through the tier-4 queue's index: few tickets are active at tier 4)."""
    told = exists().where(
        VendorOverdueNotice.ticket_id == Ticket.id, VendorOverdueNotice.due_at == Ticket.vendor_due_at
    )
    query = (
        select(Ticket)
        .where(Ticket.tier == MAX_TIER, Ticket.status.in_(ACTIVE_STATUSES))
        .where(Ticket.vendor_id.is_not(None), Ticket.vendor_due_at <= now, ~told)
        .order_by(Ticket.vendor_due_at, Ticket.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def notify_overdue_vendors(now: datetime | None = None) -> int:
    """Tell the tier-4 team and the ticket's previous assignee that the vendor is late, once:
    the notice's key (ticket, due time) is claimed first, so a second run, late or in parallel,
    finds it taken and tells nobody again. Returns how many tickets were told about."""
    now = now or utcnow()
    told = 0
    with transaction():
        for ticket in overdue_handoffs(now):
            if _claim(ticket, now):
                _tell(ticket, now)
                told += 1
    return told


def _claim(ticket: Ticket, now: datetime) -> bool:
    assert ticket.vendor_due_at is not None
    savepoint = db.session.begin_nested()
    try:
        db.session.add(VendorOverdueNotice(ticket_id=ticket.id, due_at=ticket.vendor_due_at, created_at=now))
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()  # another run told them already
        return False
    savepoint.commit()
    return True


def previous_assignee(ticket: Ticket) -> User | None:
    """Who had the ticket before the vendor: the assignee the last hand-off recorded, else the
    agent who handed it over (a ticket the sweep raised to tier 4 had nobody left)."""
    handoffs = db.session.scalars(
        select(Activity)
        .where(Activity.ticket_id == ticket.id, Activity.kind == ActivityKind.vendor_updated.value)
        .order_by(Activity.created_at.desc(), Activity.id.desc())
    )
    handoff = next((a for a in handoffs if (a.data or {}).get("handoff")), None)
    if handoff is None:
        return None
    user_id = (handoff.data or {}).get("previous_assignee_id") or handoff.actor_id
    agent = db.session.get(User, user_id) if user_id is not None else None
    return agent if agent is not None and agent.active and agent.is_staff else None


def _tell(ticket: Ticket, now: datetime) -> None:
    assert ticket.vendor_due_at is not None and ticket.vendor is not None
    headline = (
        f"{ticket.vendor.name} is past its due time ({ticket.vendor_due_at:%Y-%m-%d %H:%M} UTC) "
        f"on {ticket.reference}; the vendor needs chasing"
    )
    body = (
        f"{headline}.\nVendor reference: {ticket.vendor_reference or 'none yet'}\n\n{ticket_summary(ticket)}"
    )
    subject = f"[{ticket.reference}] Vendor overdue: {ticket.vendor.name}"
    team = recipients_for(ticket, "team") if ticket.team_id is not None else []
    queue_notification(ticket, "team", subject=subject, body=body, now=now, recipients=team)
    before = previous_assignee(ticket)
    told = list(team)
    if before is not None and before.id not in {u.id for u in team}:
        queue_notification(ticket, "assignee", subject=subject, body=body, now=now, recipients=[before])
        told.append(before)
    record(
        ActivityKind.notification_queued,
        f"{headline}: notified {', '.join(u.name for u in told) or 'nobody'}",
        now=now,
        ticket=ticket,
        data={
            "cause": "vendor_overdue",
            "due_at": ticket.vendor_due_at.isoformat(),
            "recipients": [u.id for u in told],
        },
    )
    data = {
        "vendor": ticket.vendor.name,
        "vendor_reference": ticket.vendor_reference,
        "due_at": ticket.vendor_due_at.isoformat(),
    }
    emit(WebhookEvent.vendor_overdue, ticket, now, data)
