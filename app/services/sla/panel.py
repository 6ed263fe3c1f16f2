"""What the desk shows about a ticket's service level: every target, its state and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.domain.business_time import business_minutes_between
from app.domain.sla import no_policy_reason
from app.domain.sla_vocabulary import TARGET_LABELS
from app.extensions import db
from app.models import SlaClock, SlaPause, SlaPolicy, Ticket
from app.models.types import utcnow
from app.services.sla.clock_parts import pause_reason
from app.services.sla.policies import calendar_of
from app.services.sla.policy_cache import policy_cells

CLOCKS_SHOWN = 30


@dataclass(frozen=True, slots=True)
class ClockRow:
    label: str
    tier: int
    minutes: int
    started_at: datetime
    due_at: datetime
    state: str  # met, missed, paused, overdue, warning, running
    business_minutes_left: float | None
    done_at: datetime | None


@dataclass(frozen=True, slots=True)
class NoPolicyView:
    """A ticket without a policy: its panel says so and why."""

    reason: str
    policy: None = None


@dataclass(frozen=True, slots=True)
class SlaView:
    policy: SlaPolicy
    reason: str
    calendar_name: str
    timezone: str
    always_open: bool
    clocks: list[ClockRow]
    pauses: list[SlaPause]
    paused_by: str | None  # the status the ticket waits in, or "vendor"


def _state(clock: SlaClock, now: datetime, paused: bool) -> str:
    if clock.satisfied_at is not None:
        return "missed" if clock.breached_at is not None else "met"
    if clock.breached_at is not None or clock.due_at <= now:
        return "overdue"
    if paused:
        return "paused"
    return "warning" if clock.warn_at <= now else "running"


def sla_view(ticket: Ticket, now: datetime | None = None) -> SlaView | NoPolicyView:
    """The ticket's policy, calendar, clocks (newest first) and paused stretches; without a
    policy, the reason none applies."""
    now = now or utcnow()
    policy = db.session.get(SlaPolicy, ticket.sla_policy_id) if ticket.sla_policy_id else None
    if policy is None:
        account_tier = ticket.organization.account_tier.value if ticket.organization else None
        return NoPolicyView(no_policy_reason(policy_cells(), account_tier, ticket.priority.value))
    calendar = calendar_of(policy.calendar)
    paused_by = pause_reason(ticket)
    clocks = db.session.scalars(
        select(SlaClock)
        .where(SlaClock.ticket_id == ticket.id)
        .order_by(SlaClock.started_at.desc(), SlaClock.id.desc())
        .limit(CLOCKS_SHOWN)
    )
    rows = []
    for clock in clocks:
        state = _state(clock, now, paused_by is not None)
        left = None
        if state in ("running", "warning", "paused"):
            left = business_minutes_between(calendar, now, clock.due_at)
        elif state == "overdue":
            left = -business_minutes_between(calendar, clock.due_at, now)
        rows.append(
            ClockRow(
                TARGET_LABELS[clock.target],
                clock.tier,
                clock.minutes,
                clock.started_at,
                clock.due_at,
                state,
                left,
                clock.satisfied_at,
            )
        )
    pauses = list(
        db.session.scalars(
            select(SlaPause).where(SlaPause.ticket_id == ticket.id).order_by(SlaPause.started_at)
        )
    )
    return SlaView(
        policy,
        ticket.sla_policy_reason or "",
        policy.calendar.name,
        policy.calendar.timezone,
        policy.calendar.always_open,
        rows,
        pauses,
        paused_by,
    )
