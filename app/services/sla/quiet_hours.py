"""Holding notices for business hours: a notice raised while the ticket's business calendar is
closed waits in the outbox (`not_before`) until its next opening."""

from __future__ import annotations

from datetime import datetime

from app.domain.business_time import is_open, next_opening
from app.extensions import db
from app.models import SlaPolicy, Ticket
from app.services.sla.clock_pass import ClockPass
from app.services.sla.policies import calendar_for


def hold_for_policy(policy: SlaPolicy | None, now: datetime) -> datetime | None:
    """The next opening of the policy's calendar when it is closed at `now`; None while it is
    open, and for no policy (a ticket without one has no business hours to wait for)."""
    if policy is None:
        return None
    calendar = calendar_for(policy)
    return None if is_open(calendar, now) else next_opening(calendar, now)


def notice_hold(ticket: Ticket, now: datetime, clocks: ClockPass | None = None) -> datetime | None:
    """When a notice about this ticket held for business hours may go (None: at once)."""
    if ticket.sla_policy_id is None:
        return None
    policy = clocks.policies.get(ticket.id) if clocks is not None else None
    if policy is None or policy.id != ticket.sla_policy_id:
        # A policy is read by its key: the identity map answers once it is loaded, no flush needed.
        with db.session.no_autoflush:
            policy = db.session.get(SlaPolicy, ticket.sla_policy_id)
    return hold_for_policy(policy, now)
