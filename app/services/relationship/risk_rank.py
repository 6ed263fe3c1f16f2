"""Keeping each ticket's stored risk rank current (the queues' default order).

The rank's parts live in indexed columns in tenths of a point, so a queue reads the top of an index
instead of ranking every ticket per request. Each part is recomputed where its facts change:
    time pressure, priority   `rank_ticket`, from `sla_clock.refresh` on every ticket change, and
                              `risk_refresh.refresh_due_risk` (a scheduled job) when a 30-minute step runs out
    health                    `rank_customers`, after a customer's tickets open, close or reopen,
                              are escalated or rated; the sweep marks breached customers due
    account tier, value       `rank_organization`, when an organization's facts change
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from sqlalchemy import ColumnElement, and_, update

from app.domain.relationship import HealthInputs, health_score
from app.domain.risk import (
    PART_NAMES,
    account_points,
    health_points,
    pressure_step,
    priority_points,
    time_pressure,
    value_points,
)
from app.domain.vocabulary import ACTIVE_STATUSES
from app.extensions import db
from app.models import Organization, Ticket
from app.services.common.adopted import fill
from app.services.relationship.figures import health_inputs

UNRANKED = -1
REFRESH_BATCH = 1000


def tenths(points: float) -> int:
    return round(points * 10)


@dataclass(frozen=True, slots=True)
class RiskParts:
    """A ticket's stored rank for people: the score and each named part, in points."""

    score: float
    parts: tuple[tuple[str, float], ...]

    @property
    def summary(self) -> str:
        return "; ".join(f"{name} {points:g}" for name, points in self.parts)


def risk_parts(ticket: Ticket) -> RiskParts | None:
    """What the queue shows for a ticket's rank; None for a solved or closed ticket."""
    if ticket.risk_score == UNRANKED:
        return None
    stored = (
        ticket.risk_pressure,
        ticket.risk_account,
        ticket.risk_value,
        ticket.risk_health,
        ticket.risk_priority,
    )
    return RiskParts(
        ticket.risk_score / 10,
        tuple((name, (value or 0) / 10) for name, value in zip(PART_NAMES, stored, strict=True)),
    )


def pressure_part(
    paused: bool, due_at: datetime | None, breached: bool, now: datetime
) -> tuple[int, datetime | None]:
    """The stepped pressure in tenths and when it next changes; a paused clock stands still."""
    if paused and not breached:
        return 0, None
    step = pressure_step(due_at, breached, now)
    return tenths(time_pressure(step.minutes_to_breach, step.breached)), step.changes_at


class RunningClock(Protocol):
    """What the rank reads of a running clock: a stored one or a sweep batch's plain row."""

    @property
    def due_at(self) -> datetime: ...
    @property
    def breached_at(self) -> datetime | None: ...


def deadline(clocks: Iterable[RunningClock]) -> tuple[datetime | None, bool]:
    running = list(clocks)
    breached = any(c.breached_at is not None for c in running)
    due = [c.due_at for c in running if c.breached_at is None]
    return (min(due) if due else None), breached


def rank_ticket(ticket: Ticket, clocks: Iterable[RunningClock], now: datetime, *, paused: bool) -> None:
    """Recompute the time pressure and priority parts of one loaded ticket from its running
    clocks, keeping the customer's stored parts (no queries). Only changed columns are set: the
    sweep's batch writes just those, and each rank index they touch costs a rewrite."""
    if ticket.status not in ACTIVE_STATUSES:
        values: dict[str, int | datetime | None] = {
            "risk_score": UNRANKED,
            "risk_refresh_at": None,
            "risk_pressure": 0,
        }
    else:
        due_at, breached = deadline(clocks)
        pressure, refresh_at = pressure_part(paused, due_at, breached, now)
        priority = tenths(priority_points(ticket.priority.value))
        values = {
            "risk_pressure": pressure,
            "risk_refresh_at": refresh_at,
            "risk_priority": priority,
            "risk_score": pressure
            + priority
            + (ticket.risk_account or 0)
            + (ticket.risk_value or 0)
            + (ticket.risk_health or 0),
        }
    for column, value in values.items():
        if getattr(ticket, column) != value:
            setattr(ticket, column, value)


def organization_parts(org: Organization | None) -> tuple[int, int]:
    if org is None:
        return 0, 0
    return (tenths(account_points(org.account_tier.value)), tenths(value_points(org.lifetime_value / 100)))


def health_parts(customer_ids: Iterable[int], now: datetime) -> dict[int, int]:
    inputs = health_inputs(customer_ids, now)
    return {cid: _health_part(i) for cid, i in inputs.items()}


def active_criteria(*criteria: ColumnElement[bool]) -> ColumnElement[bool]:
    return and_(Ticket.status.in_(ACTIVE_STATUSES), *criteria)


def rank_customers(customer_ids: Iterable[int], now: datetime) -> None:
    """Put each customer's current health into their active tickets' ranks: one statement per
    customer, inside the caller's transaction."""
    for customer_id, health in health_parts(set(customer_ids), now).items():
        _write_health(customer_id, health)


def health_after_opening(ticket: Ticket, opened: HealthInputs) -> HealthInputs:
    """A customer's health inputs at the end of opening `ticket`, from those read as it opened
    (with it counted open): its rules' escalations are in the 90-day count, and a ticket that
    left the active statuses on the way no longer counts as open. Nothing else of the health
    inputs (breaches, reopens, ratings) can happen while a ticket opens."""
    still_open = ticket.status in ACTIVE_STATUSES
    return replace(
        opened,
        escalations_90d=opened.escalations_90d + ticket.escalation_count,
        open_tickets=opened.open_tickets - (0 if still_open else 1),
    )


def rank_customer_health(
    customer_id: int,
    inputs: HealthInputs,
    *,
    opened: Ticket | None = None,
    others_from: HealthInputs | None = None,
) -> None:
    """Put a customer's health, from inputs the caller knows, into their active tickets' ranks.
    A ticket being `opened` (not written yet) gets its part in place, in its one INSERT; when the
    other tickets were ranked from `others_from` (the inputs before it opened) and those give the
    same part, they keep theirs and nothing else is written."""
    health = _health_part(inputs)
    if opened is not None and opened.status in ACTIVE_STATUSES:
        fill(opened, risk_score=opened.risk_score + health - (opened.risk_health or 0), risk_health=health)
    if others_from is not None and _health_part(others_from) == health:
        return
    _write_health(customer_id, health, but_not=opened.id if opened is not None else None)


def _health_part(inputs: HealthInputs) -> int:
    return tenths(health_points(health_score(inputs).score))


def _write_health(customer_id: int, health: int, *, but_not: int | None = None) -> None:
    # Only the tickets whose stored part differs are written: health moves in steps, so opening
    # one more ticket usually writes none but that ticket.
    differs = [Ticket.customer_id == customer_id, Ticket.risk_health != health]
    if but_not is not None:
        differs.append(Ticket.id != but_not)
    values = {
        "risk_health": health,
        "risk_score": Ticket.risk_pressure
        + Ticket.risk_priority
        + Ticket.risk_account
        + Ticket.risk_value
        + health,
    }
    if but_not is not None and not _others_loaded(customer_id, but_not):
        # A plain table UPDATE: no loaded ticket needs the new values (the ORM's bulk UPDATE
        # with its synchronisation costs several times more CPU than the statement itself).
        db.session.execute(update(Ticket.__table__).where(active_criteria(*differs)).values(values))
        return
    db.session.execute(
        update(Ticket).where(active_criteria(*differs)).values(values),
        execution_options={"synchronize_session": "fetch"},
    )


def _others_loaded(customer_id: int, ticket_id: int) -> bool:
    """Whether the session holds another of the customer's tickets."""
    return any(
        isinstance(row, Ticket) and row.customer_id == customer_id and row.id != ticket_id
        for row in db.session.identity_map.values()
    )


def rank_new_ticket(ticket: Ticket) -> None:
    """Give a just-opened ticket, not written yet, its organization's parts (no queries; the
    customer's health comes with `rank_customer_health`)."""
    account, value = organization_parts(ticket.organization)
    score = ticket.risk_pressure + ticket.risk_priority + account + value + (ticket.risk_health or 0)
    fill(ticket, risk_account=account, risk_value=value, risk_score=score)


def rank_organization(org: Organization) -> None:
    """Put an organization's account tier and lifetime value into its active tickets' ranks in
    one statement."""
    account, value = organization_parts(org)
    db.session.execute(
        update(Ticket)
        .where(active_criteria(Ticket.organization_id == org.id))
        .values(
            risk_account=account,
            risk_value=value,
            risk_score=Ticket.risk_pressure + Ticket.risk_priority + Ticket.risk_health + account + value,
        ),
        execution_options={"synchronize_session": "fetch"},
    )
