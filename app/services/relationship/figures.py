"""Relationship figures for customers and organizations: health inputs, ticket figures, facts.

Every figure is one grouped query over indexed columns, for one customer, one organization's
customers, or a chunk of customers at once (the rule snapshots), never a query per ticket.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    SQLColumnExpression,
    bindparam,
    case,
    func,
    literal_column,
    select,
    text,
)

from app.domain.relationship import HealthInputs, HealthScore, health_score
from app.domain.sla_vocabulary import SlaEventKind
from app.domain.vocabulary import ACTIVE_STATUSES, ActivityKind
from app.extensions import db
from app.models import Activity, CsatAnswer, Customer, SlaEvent, Ticket, TierChange
from app.services.common.indexed_by import IndexedTable

WINDOW = timedelta(days=90)
# Written as it stands in the partial index ix_tickets_customer_escalated, which SQLite uses only
# for a query that names its condition (a bound 0 would not do): a customer's escalations join
# the tickets they ever had escalated, not all they ever had.
EVER_ESCALATED = text("tickets.escalation_count > 0")


# Reopen events only (a partial index): the count reads neither the desk's other reopens nor the
# customer's other events. Its condition is written as SQL text, not a bound value, so that
# SQLite can see that the query's rows are all in the index.
_REOPENS = IndexedTable(Activity.__table__, "ix_activities_reopens")
_IS_REOPEN = _REOPENS.c.kind == literal_column(f"'{ActivityKind.ticket_reopened.value}'")


def _seconds_between(
    start: SQLColumnExpression[datetime], end: SQLColumnExpression[datetime | None]
) -> ColumnElement[Any]:
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _grouped(query: Select[Any, Any], ids: list[int]) -> dict[int, float]:
    return {key: value for key, value in db.session.execute(query).all()} if ids else {}


def health_inputs(customer_ids: Iterable[int], now: datetime) -> dict[int, HealthInputs]:
    """Health inputs for many customers in five grouped queries; for one customer, in one
    statement (opening a ticket asks for them, and each statement is a round trip)."""
    ids = list(set(customer_ids))
    since = now - WINDOW
    if len(ids) == 1:
        return {ids[0]: customer_facts(ids[0], now)[0]}
    breaches = _grouped(
        select(SlaEvent.customer_id, func.count())
        .where(
            SlaEvent.customer_id.in_(ids), SlaEvent.kind == SlaEventKind.breach, SlaEvent.created_at >= since
        )
        .group_by(SlaEvent.customer_id),
        ids,
    )
    escalations = _grouped(
        select(Ticket.customer_id, func.count())
        .join(TierChange, TierChange.ticket_id == Ticket.id)
        .where(
            Ticket.customer_id.in_(ids),
            EVER_ESCALATED,
            TierChange.to_tier > TierChange.from_tier,
            TierChange.created_at >= since,
        )
        .group_by(Ticket.customer_id),
        ids,
    )
    reopens = _grouped(
        select(_REOPENS.c.customer_id, func.count())
        .where(_REOPENS.c.customer_id.in_(ids), _IS_REOPEN, _REOPENS.c.created_at >= since)
        .group_by(_REOPENS.c.customer_id),
        ids,
    )
    open_tickets = _grouped(select(Customer.id, Customer.open_tickets).where(Customer.id.in_(ids)), ids)
    csat = _grouped(
        select(CsatAnswer.customer_id, func.avg(CsatAnswer.rating))
        .where(CsatAnswer.customer_id.in_(ids), CsatAnswer.created_at >= since)
        .group_by(CsatAnswer.customer_id),
        ids,
    )
    return {
        cid: HealthInputs(
            int(breaches.get(cid, 0)),
            int(escalations.get(cid, 0)),
            int(reopens.get(cid, 0)),
            int(open_tickets.get(cid, 0)),
            float(csat[cid]) if cid in csat else None,
        )
        for cid in ids
    }


_CUSTOMER: BindParameter[int] = bindparam("customer_id")
_SINCE: BindParameter[datetime] = bindparam("since")
# SQLite would walk all the customer's tickets by ix_tickets_customer_created while the escalated
# ones' index has no statistics (and it has none while it is empty).
_ESCALATED = IndexedTable(Ticket.__table__, "ix_tickets_customer_escalated")

# Built once: composing these columns costs more CPU than running them, and a ticket's opening
# reads them for every request (with what else it reads first, see tickets.opening).
CUSTOMER_FACT_COLUMNS = (
    select(func.count())
    .select_from(SlaEvent)
    .where(
        SlaEvent.customer_id == _CUSTOMER, SlaEvent.kind == SlaEventKind.breach, SlaEvent.created_at >= _SINCE
    )
    .scalar_subquery(),
    select(func.count())
    .select_from(_ESCALATED)
    .join(TierChange, TierChange.ticket_id == _ESCALATED.c.id)
    .where(
        _ESCALATED.c.customer_id == _CUSTOMER,
        EVER_ESCALATED,
        TierChange.to_tier > TierChange.from_tier,
        TierChange.created_at >= _SINCE,
    )
    .scalar_subquery(),
    select(func.count())
    .select_from(_REOPENS)
    .where(_REOPENS.c.customer_id == _CUSTOMER, _IS_REOPEN, _REOPENS.c.created_at >= _SINCE)
    .scalar_subquery(),
    # Kept by the database as tickets open and close (app/counter_schema.py): one row read,
    # however many tickets the customer has.
    select(Customer.open_tickets).where(Customer.id == _CUSTOMER).scalar_subquery(),
    select(func.avg(CsatAnswer.rating))
    .where(CsatAnswer.customer_id == _CUSTOMER, CsatAnswer.created_at >= _SINCE)
    .scalar_subquery(),
    select(CsatAnswer.rating)
    .where(CsatAnswer.customer_id == _CUSTOMER)
    .order_by(CsatAnswer.updated_at.desc(), CsatAnswer.id.desc())
    .limit(1)
    .scalar_subquery(),
)
_ONE_CUSTOMER = select(*CUSTOMER_FACT_COLUMNS)


def fact_parameters(customer_id: int, now: datetime) -> dict[str, Any]:
    """The parameters of CUSTOMER_FACT_COLUMNS."""
    return {"customer_id": customer_id, "since": now - WINDOW}


def facts_of(row: Sequence[Any]) -> tuple[HealthInputs, int | None]:
    """Health inputs and latest rating from the values of CUSTOMER_FACT_COLUMNS, in its order."""
    breaches, escalations, reopens, open_tickets, csat, rating = row
    inputs = HealthInputs(
        int(breaches or 0),
        int(escalations or 0),
        int(reopens or 0),
        int(open_tickets or 0),
        float(csat) if csat is not None else None,
    )
    return inputs, rating


def customer_facts(customer_id: int, now: datetime) -> tuple[HealthInputs, int | None]:
    """One customer's health inputs and latest rating, in one statement."""
    return facts_of(db.session.execute(_ONE_CUSTOMER, fact_parameters(customer_id, now)).one())


def last_csat(customer_ids: Iterable[int]) -> dict[int, int]:
    """Each customer's most recent rating."""
    ids = list(set(customer_ids))
    if not ids:
        return {}
    latest = (
        select(CsatAnswer.customer_id, func.max(CsatAnswer.updated_at).label("at"))
        .where(CsatAnswer.customer_id.in_(ids))
        .group_by(CsatAnswer.customer_id)
        .subquery()
    )
    rows = db.session.execute(
        select(CsatAnswer.customer_id, CsatAnswer.rating).join(
            latest, (latest.c.customer_id == CsatAnswer.customer_id) & (latest.c.at == CsatAnswer.updated_at)
        )
    )
    return {customer_id: rating for customer_id, rating in rows}


def combined(inputs: Iterable[HealthInputs]) -> HealthInputs:
    """An organization's inputs: the sums over its contacts, CSAT averaged over those rated."""
    items = list(inputs)
    rated = [i.average_csat for i in items if i.average_csat is not None]
    return HealthInputs(
        sum(i.breaches_90d for i in items),
        sum(i.escalations_90d for i in items),
        sum(i.reopens_90d for i in items),
        sum(i.open_tickets for i in items),
        sum(rated) / len(rated) if rated else None,
    )


@dataclass(frozen=True, slots=True)
class Figures:
    open_tickets: int
    total_tickets: int
    avg_first_response_minutes: float | None
    avg_resolution_minutes: float | None
    breaches_90d: int
    escalation_rate: float | None
    reopen_rate: float | None
    average_csat: float | None
    csat_answers: int
    deflections: int


def figures(customer_ids: list[int], now: datetime) -> Figures:
    """Ticket figures over one customer or all of an organization's contacts."""
    if not customer_ids:
        return Figures(0, 0, None, None, 0, None, None, None, 0, 0)
    mine = Ticket.customer_id.in_(customer_ids)
    row = db.session.execute(
        select(
            func.count(),
            func.sum(case((Ticket.status.in_(ACTIVE_STATUSES), 1), else_=0)),
            func.avg(_seconds_between(Ticket.created_at, Ticket.first_responded_at)),
            func.avg(_seconds_between(Ticket.created_at, Ticket.solved_at)),
            func.sum(case((Ticket.escalation_count > 0, 1), else_=0)),
            func.sum(case((Ticket.reopen_count > 0, 1), else_=0)),
        ).where(mine)
    ).one()
    total, open_count, first_response, resolution, escalated, reopened = row
    csat_avg, csat_count = db.session.execute(
        select(func.avg(CsatAnswer.rating), func.count()).where(CsatAnswer.customer_id.in_(customer_ids))
    ).one()
    breaches = db.session.scalar(
        select(func.count())
        .select_from(SlaEvent)
        .where(
            SlaEvent.customer_id.in_(customer_ids),
            SlaEvent.kind == SlaEventKind.breach,
            SlaEvent.created_at >= now - WINDOW,
        )
    )
    deflections = db.session.scalar(
        select(func.count())
        .select_from(Activity)
        .where(Activity.customer_id.in_(customer_ids), Activity.kind == ActivityKind.kb_deflected.value)
    )
    return Figures(
        open_tickets=int(open_count or 0),
        total_tickets=int(total or 0),
        avg_first_response_minutes=first_response / 60 if first_response is not None else None,
        avg_resolution_minutes=resolution / 60 if resolution is not None else None,
        breaches_90d=int(breaches or 0),
        escalation_rate=escalated / total if total else None,
        reopen_rate=reopened / total if total else None,
        average_csat=float(csat_avg) if csat_avg is not None else None,
        csat_answers=int(csat_count or 0),
        deflections=int(deflections or 0),
    )


def contact_ids(organization_id: int) -> list[int]:
    return list(db.session.scalars(select(Customer.id).where(Customer.organization_id == organization_id)))


def customer_health(customer_id: int, now: datetime) -> HealthScore:
    return health_score(health_inputs([customer_id], now)[customer_id])


def organization_health(organization_id: int, now: datetime) -> HealthScore:
    ids = contact_ids(organization_id)
    return health_score(combined(health_inputs(ids, now).values()))
