"""Facts of the service level and the customer's word: clocks met (and their business time),
breaches and warnings, CSAT answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from app.domain.business_time import BusinessCalendar, business_minutes_between
from app.domain.reports import duration_bucket
from app.domain.sla_vocabulary import SlaEventKind, SlaTarget
from app.extensions import db
from app.models import CsatAnswer, SlaClock, SlaEvent, SlaPolicy, Ticket
from app.services.reports.fact_shape import Fact, dim_columns, dims_of, with_dims
from app.services.sla.policies import calendar_for


def clock_facts(start: datetime, end: datetime, *, met: bool = True) -> Iterator[Fact]:
    """Targets met, and the business time to first response and to resolution; `met=False`:
    only the times (the fold has the database count the targets met)."""
    query = with_dims(
        select(
            SlaClock.ticket_id,
            SlaClock.satisfied_at,
            SlaClock.target,
            SlaClock.tier,
            SlaClock.minutes,
            SlaClock.due_at,
            SlaClock.breached_at,
            *dim_columns(),
        ),
        SlaClock.ticket_id,
    ).where(SlaClock.satisfied_at >= start, SlaClock.satisfied_at < end)
    if not met:
        query = query.where(
            SlaClock.target.in_((SlaTarget.first_response, SlaTarget.resolution)),
            Ticket.sla_policy_id.is_not(None),
        )
    calendars: dict[int, BusinessCalendar] = {}
    for row in db.session.connection().execute(query):
        ticket_id, at, target, tier, minutes, due_at, breached_at = row[:7]
        dims = dims_of(row, 7)
        if met and breached_at is None:
            yield Fact("sla_met", at, ticket_id, tier, target.value, dims)
        if target in (SlaTarget.first_response, SlaTarget.resolution) and dims.policy_id:
            calendar = calendars.get(dims.policy_id) or _calendar(dims.policy_id, calendars)
            spent = elapsed_business_minutes(calendar, minutes, at, due_at)
            metric = "frt" if target is SlaTarget.first_response else "ttr"
            yield Fact(metric, at, ticket_id, tier, duration_bucket(spent), dims, value=spent)


def _calendar(policy_id: int, calendars: dict[int, BusinessCalendar]) -> BusinessCalendar:
    calendars[policy_id] = calendar_for(db.session.get_one(SlaPolicy, policy_id))
    return calendars[policy_id]


def elapsed_business_minutes(
    calendar: BusinessCalendar, minutes: int, met_at: datetime, due_at: datetime
) -> int:
    """Business minutes a clock ran before it was met. Its due time already counts every pause
    before it, so the clock spent its target less what was left, or its target and the overrun."""
    if met_at <= due_at:
        return max(0, round(minutes - business_minutes_between(calendar, met_at, due_at)))
    return round(minutes + business_minutes_between(calendar, due_at, met_at))


def sla_event_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    query = with_dims(
        select(
            SlaEvent.ticket_id,
            SlaEvent.created_at,
            SlaEvent.kind,
            SlaEvent.target,
            SlaEvent.tier,
            *dim_columns(),
        ),
        SlaEvent.ticket_id,
    ).where(SlaEvent.created_at >= start, SlaEvent.created_at < end)
    for row in db.session.connection().execute(query):
        ticket_id, at, kind, target, tier = row[:5]
        metric = "sla_breach" if kind is SlaEventKind.breach else "sla_warn"
        yield Fact(metric, at, ticket_id, tier, target.value, dims_of(row, 5))


def csat_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    query = with_dims(
        select(CsatAnswer.ticket_id, CsatAnswer.created_at, CsatAnswer.rating, Ticket.tier, *dim_columns()),
        CsatAnswer.ticket_id,
    ).where(CsatAnswer.created_at >= start, CsatAnswer.created_at < end)
    for row in db.session.connection().execute(query):
        ticket_id, at, rating, tier = row[:4]
        dims = dims_of(row, 4)
        yield Fact("csat", at, ticket_id, tier or 0, str(rating), dims, value=rating)
