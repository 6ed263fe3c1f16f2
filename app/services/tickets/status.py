"""Setting a ticket's status inside a change, with its clocks, its history and its customer's
health; the callers have checked the transition (domain.tickets)."""

from __future__ import annotations

from app.domain.tiers import tier_label
from app.domain.vocabulary import ACTIVE_STATUSES, ActivityKind, Status
from app.domain.webhooks import WebhookEvent
from app.models import User
from app.services.common.history import record
from app.services.mail import notices as mail_notices
from app.services.routing.ticket_change import TicketChange
from app.services.sla import clock as sla_clock
from app.services.webhooks.events import emit


def move_status(change: TicketChange, status: Status) -> Status:
    """Set the status and keep the clocks in step; returns the old status. Opening or closing a
    ticket changes the customer's health, a part of every rank of theirs."""
    ticket = change.ticket
    old, ticket.status = ticket.status, status
    ticket.updated_at = change.now
    sla_clock.on_status_change(ticket, old, status, change.now, change.clocks)
    if old != status:
        data = {"from": old.value, "to": status.value}
        emit(WebhookEvent.ticket_status_changed, ticket, change.now, data, rows=change.rows)
    if (old in ACTIVE_STATUSES) != (status in ACTIVE_STATUSES):
        change.rank_health = True
    return old


def apply_status(change: TicketChange, actor: User, status: Status) -> None:
    """Set a status with its side effects and history event."""
    ticket, now = change.ticket, change.now
    old = move_status(change, status)
    if status == Status.solved:
        ticket.solved_at = now
        kind = ActivityKind.ticket_solved
        if actor.is_staff:
            mail_notices.request_solved(ticket, now)
    elif status == Status.closed:
        ticket.closed_at = now
        kind = ActivityKind.ticket_closed
    elif old == Status.solved:
        reopen(change, actor, "reopened by an agent")
        kind = ActivityKind.status_changed
    else:
        kind = ActivityKind.status_changed
    record(
        kind,
        f"{ticket.reference}: {old.value.replace('_', ' ')} → {status.value.replace('_', ' ')}",
        now=now,
        actor=actor,
        ticket=ticket,
        data={"from": old.value, "to": status.value, "tier": tier_label(ticket.tier)},
    )


def reopen(change: TicketChange, actor: User, why: str) -> None:
    """Count a reopen (its status is the caller's) and say so in the history."""
    ticket = change.ticket
    ticket.reopen_count += 1
    ticket.solved_at = None
    record(
        ActivityKind.ticket_reopened,
        f"{ticket.reference} reopened ({why}); reopened {ticket.reopen_count}×",
        now=change.now,
        actor=actor,
        ticket=ticket,
        data={"reopen_count": ticket.reopen_count},
    )
