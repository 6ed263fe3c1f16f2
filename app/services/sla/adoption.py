"""Giving the open tickets that wait without a policy the one their cell now names, after a
policy edit, in a fixed number of statements however many there are.

One ticket's adoption (sla.clock.adopt_policy) chooses its policy from its organization's account
tier and its priority, starts the clocks its state still owes, opens a pause if it waits on
someone, and stores its badge, next check and risk rank. For a ticket with no clocks and no pause
yet, each of those values follows from a few of its facts, its *key* (account tier, priority,
tier, whether it was answered, status, vendor hold), and from the time of the edit. So they are
worked out once per key, by the same rules, into a small plan, and the database writes them for
every waiting ticket through joins:

    keys      SELECT DISTINCT key over the waiting tickets
    plan      a row per key that names a policy, with its clock rows (the rules, in Python)
    matched   each waiting ticket with its plan row (INSERT ... SELECT)
    writes    the clocks, the pauses and the tickets' columns (one statement each)

A waiting ticket that already has running clocks or an open pause (none should: every hook
leaves a ticket without a policy alone) takes the one-by-one path. The plan lives in temporary
tables of the caller's connection and transaction, dropped at the end.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Column,
    ColumnElement,
    String,
    and_,
    exists,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
    update,
)

from app.database import is_sqlite
from app.domain.sla import PolicyCell
from app.domain.vocabulary import ACTIVE_STATUSES
from app.extensions import db
from app.models import Organization, SlaClock, SlaPause, Ticket
from app.models.types import UTCDateTime
from app.services.sla import clock as sla_clock
from app.services.sla.adoption_plan import (
    MATCHED,
    PLAN,
    PLAN_CLOCKS,
    PLAN_TABLES,
    Key,
    plan_row,
    planned_rows,
)
from app.services.sla.policy_cache import policy_cells


def _key_columns() -> list[ColumnElement[Any]]:
    """The key of each ticket row, in Key's order (organizations outer-joined)."""
    return [
        func.coalesce(type_coerce(Organization.account_tier, String(32)), ""),
        type_coerce(Ticket.priority, String(16)),
        Ticket.__table__.c.tier,
        Ticket.first_responded_at.is_not(None),
        type_coerce(Ticket.status, String(16)),
        Ticket.vendor_id.is_not(None),
        Ticket.__table__.c.vendor_pauses_clock,
    ]


class Span(NamedTuple):
    """The ticket ids after `after` up to `upto` (None: to the end)."""

    after: int = 0
    upto: int | None = None


EVERY = Span()


# SQLite: the status as an expression (`+tickets.status`) no index can serve, so a batch's reads walk
# its span of ticket ids, not ix_tickets_status_created's entries of every active ticket.
_STATUS_BY_ROW: ColumnElement[str] = literal_column(f"+{Ticket.__tablename__}.status")


def _waiting(but_not: list[int], span: Span) -> ColumnElement[bool]:
    status: ColumnElement[bool] = Ticket.status.in_(ACTIVE_STATUSES)
    if span != EVERY and is_sqlite(db.session.get_bind()):
        status = _STATUS_BY_ROW.in_([s.value for s in ACTIVE_STATUSES])
    criteria: list[ColumnElement[bool]] = [Ticket.sla_policy_id.is_(None), status]
    if span.after:
        criteria.append(Ticket.id > span.after)
    if span.upto is not None:
        criteria.append(Ticket.id <= span.upto)
    if but_not:
        criteria.append(Ticket.id.not_in(but_not))
    return and_(*criteria)


def adopt_waiting(now: datetime, span: Span = EVERY) -> int:
    """Give every active ticket without a policy (in the span of ids) the one its cell names now,
    if any, inside the caller's transaction; returns how many took one."""
    db.session.flush()
    cells = policy_cells()
    already = _with_clocks_or_pause(span)
    adopted = _one_by_one(already, now, cells)
    bind = db.session.connection()
    PLAN_TABLES.drop_all(bind)  # left by nothing but a crash mid-statement; cheap to be sure
    PLAN_TABLES.create_all(bind)
    try:
        adopted += _adopt_by_plan(already, now, cells, span)
    finally:
        PLAN_TABLES.drop_all(bind)
    # Loaded tickets would otherwise show their columns from before.
    for row in list(db.session.identity_map.values()):
        if isinstance(row, Ticket):
            db.session.expire(row)
    return adopted


def _with_clocks_or_pause(span: Span) -> list[int]:
    """The waiting tickets that have running clocks or an open pause."""
    running = exists().where(SlaClock.ticket_id == Ticket.id, SlaClock.satisfied_at.is_(None))
    paused = exists().where(SlaPause.ticket_id == Ticket.id, SlaPause.ended_at.is_(None))
    query = select(Ticket.id).where(_waiting([], span), or_(running, paused)).order_by(Ticket.id)
    return list(db.session.scalars(query))


def _one_by_one(ticket_ids: list[int], now: datetime, cells: list[PolicyCell]) -> int:
    adopted = 0
    for ticket_id in ticket_ids:
        adopted += sla_clock.adopt_policy(db.session.get_one(Ticket, ticket_id), now, cells)
    if ticket_ids:
        db.session.flush()
    return adopted


def _adopt_by_plan(but_not: list[int], now: datetime, cells: list[PolicyCell], span: Span) -> int:
    keys = [
        Key(*row)
        for row in db.session.execute(
            select(*_key_columns())
            .select_from(Ticket)
            .outerjoin(Organization, Organization.id == Ticket.organization_id)
            .where(_waiting(but_not, span))
            .distinct()
        )
    ]
    plan: list[dict[str, Any]] = []
    clocks: list[dict[str, Any]] = []
    planned = planned_rows(now)
    for key in keys:
        if key not in planned.rows:
            planned.rows[key] = plan_row(key, cells, now)
        known = planned.rows[key]
        if known is None:
            continue
        row = {**known, "id": len(plan) + 1}
        plan.append(row)
        clocks += [{**clock, "plan_id": row["id"]} for clock in row.pop("clocks")]
    if not plan:
        return 0
    db.session.execute(insert(PLAN), plan)
    if clocks:
        db.session.execute(insert(PLAN_CLOCKS), clocks)
    matched = _match(but_not, span)
    _write(now)
    return matched


def _match(but_not: list[int], span: Span) -> int:
    """Each waiting ticket with the plan row of its key; returns how many there are."""
    on_key = [
        plan_column == key_column for plan_column, key_column in zip(_plan_key(), _key_columns(), strict=True)
    ]
    rows = (
        select(Ticket.id, PLAN.c.id)
        .select_from(Ticket)
        .outerjoin(Organization, Organization.id == Ticket.organization_id)
        .join(PLAN, and_(*on_key))
        .where(_waiting(but_not, span))
    )
    db.session.execute(insert(MATCHED).from_select(["ticket_id", "plan_id"], rows))
    if db.session.get_bind().dialect.name == "postgresql":
        # Autovacuum never looks at temporary tables: give the writes' planner their sizes.
        db.session.execute(text(f"ANALYZE {PLAN.name}, {MATCHED.name}"))
    return db.session.scalar(select(func.count()).select_from(MATCHED)) or 0


def _plan_key() -> list[Column[Any]]:
    return [PLAN.c[name] for name in Key._fields]


def _write(now: datetime) -> None:
    """The clocks, pauses and ticket columns of every matched ticket; clocks and pauses are
    inserted in ticket order, each ticket's clocks in the order it starts them."""
    clock_rows = (
        select(
            MATCHED.c.ticket_id,
            PLAN_CLOCKS.c.target,
            PLAN_CLOCKS.c.tier,
            PLAN_CLOCKS.c.minutes,
            PLAN_CLOCKS.c.started_at,
            PLAN_CLOCKS.c.warn_at,
            PLAN_CLOCKS.c.due_at,
        )
        .join(PLAN_CLOCKS, PLAN_CLOCKS.c.plan_id == MATCHED.c.plan_id)
        .order_by(MATCHED.c.ticket_id, PLAN_CLOCKS.c.position)
    )
    clock_columns = ["ticket_id", "target", "tier", "minutes", "started_at", "warn_at", "due_at"]
    db.session.execute(insert(SlaClock.__table__).from_select(clock_columns, clock_rows))
    pause_rows = (
        select(MATCHED.c.ticket_id, literal(now, UTCDateTime()), PLAN.c.pause)
        .join(PLAN, PLAN.c.id == MATCHED.c.plan_id)
        .where(PLAN.c.pause.is_not(None))
        .order_by(MATCHED.c.ticket_id)
    )
    db.session.execute(
        insert(SlaPause.__table__).from_select(["ticket_id", "started_at", "reason"], pause_rows)
    )
    tickets = Ticket.__table__
    db.session.execute(
        update(tickets)
        .where(
            tickets.c.id == MATCHED.c.ticket_id,
            PLAN.c.id == MATCHED.c.plan_id,
            # Said twice so SQLite walks the matched tickets, not all tickets, for a small batch.
            tickets.c.id.in_(select(MATCHED.c.ticket_id)),
        )
        .values(
            sla_policy_id=PLAN.c.policy_id,
            sla_policy_reason=PLAN.c.policy_reason,
            sla_badge=PLAN.c.sla_badge,
            sla_next_check_at=PLAN.c.next_check,
            risk_pressure=PLAN.c.risk_pressure,
            risk_priority=PLAN.c.risk_priority,
            risk_refresh_at=PLAN.c.risk_refresh_at,
            risk_score=PLAN.c.risk_pressure
            + PLAN.c.risk_priority
            + tickets.c.risk_account
            + tickets.c.risk_value
            + tickets.c.risk_health,
            version=tickets.c.version + 1,
        )
    )
