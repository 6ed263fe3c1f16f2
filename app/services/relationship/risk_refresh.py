"""Ranking tickets again in batches: those whose 30-minute pressure step ran out (a scheduled
job), and every active ticket from scratch (demo data, tickets written without the services)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, bindparam, or_, select, update

from app.domain.risk import priority_points
from app.domain.vendors import clock_pause_reason
from app.domain.vocabulary import ACTIVE_STATUSES
from app.extensions import db
from app.models import Customer, Organization, SlaClock, Ticket
from app.services.common.rows import rows_matched
from app.services.relationship.risk_rank import (
    REFRESH_BATCH,
    UNRANKED,
    active_criteria,
    deadline,
    health_parts,
    organization_parts,
    pressure_part,
    tenths,
)
from app.services.relationship.risk_rechecks import mark_aged_breaches, note_breach_ageing, release_rechecks


def _rank_rows(rows: Sequence[Row[*tuple[Any, ...]]], now: datetime) -> list[dict]:
    """New rank columns for a batch of ticket rows, in a fixed number of queries."""
    ids = [row.id for row in rows]
    clocks: dict[int, list[SlaClock]] = {i: [] for i in ids}
    for clock in db.session.scalars(
        select(SlaClock).where(SlaClock.ticket_id.in_(ids), SlaClock.satisfied_at.is_(None))
    ):
        clocks[clock.ticket_id].append(clock)
    orgs = {
        o.id: o
        for o in db.session.scalars(
            select(Organization).where(
                Organization.id.in_({r.organization_id for r in rows if r.organization_id})
            )
        )
    }
    health = health_parts((r.customer_id for r in rows), now)
    ranked = []
    for row in rows:
        due_at, breached = deadline(clocks[row.id])
        paused = (
            clock_pause_reason(row.status.value, row.tier, row.vendor_id is not None, row.vendor_pauses_clock)
            is not None
        )
        pressure, refresh_at = pressure_part(paused, due_at, breached, now)
        account, value = organization_parts(orgs.get(row.organization_id))
        priority = tenths(priority_points(row.priority.value))
        ranked.append(
            {
                "b_id": row.id,
                "b_version": row.version,
                "risk_pressure": pressure,
                "risk_priority": priority,
                "risk_account": account,
                "risk_value": value,
                "risk_health": health[row.customer_id],
                "risk_refresh_at": refresh_at,
                "risk_score": pressure + priority + account + value + health[row.customer_id],
            }
        )
    return ranked


def _write(ranked: list[dict]) -> int:
    table = Ticket.__table__
    columns = [key for key in ranked[0] if not key.startswith("b_")]
    # Guarded by the version read: a ticket an agent changed meanwhile was ranked by that change.
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values({c: bindparam(c) for c in columns})
    )
    return rows_matched(db.session.execute(statement, ranked))


def _rank_batches(criteria: ColumnElement[bool], now: datetime, batch_size: int, by_refresh: bool) -> int:
    """Rank the tickets matching `criteria` in keyset batches, committing each batch."""
    columns = (
        Ticket.id,
        Ticket.version,
        Ticket.status,
        Ticket.priority,
        Ticket.customer_id,
        Ticket.organization_id,
        Ticket.risk_refresh_at,
        Ticket.tier,
        Ticket.vendor_id,
        Ticket.vendor_pauses_clock,
    )
    order = (Ticket.risk_refresh_at, Ticket.id) if by_refresh else (Ticket.id,)
    written, last = 0, None
    while True:
        query = select(*columns).where(criteria)
        if last is not None and by_refresh:
            query = query.where(
                or_(
                    Ticket.risk_refresh_at > last.risk_refresh_at,
                    and_(Ticket.risk_refresh_at == last.risk_refresh_at, Ticket.id > last.id),
                )
            )
        elif last is not None:
            query = query.where(Ticket.id > last.id)
        rows = db.session.execute(query.order_by(*order).limit(batch_size)).all()
        if rows:
            last = rows[-1]
            written += _write(_rank_rows(rows, now))
        db.session.commit()
        if len(rows) < batch_size:
            return written


def refresh_due_risk(now: datetime, *, batch_size: int = REFRESH_BATCH) -> int:
    """Rank again every active ticket whose refresh time has come; returns how many were
    written. Reads only the due tickets, in index order, after marking due the tickets of the
    customers a sweep noted and of those an old breach stopped counting against (risk_rechecks)."""
    mark_aged_breaches(now)
    release_rechecks(now)
    return _rank_batches(active_criteria(Ticket.risk_refresh_at <= now), now, batch_size, by_refresh=True)


def rank_all_active(now: datetime, *, batch_size: int = REFRESH_BATCH) -> int:
    """Rank every active ticket from scratch, and mark solved and closed ones UNRANKED (demo
    data, tickets written without the services); returns how many active ones were ranked.
    Every customer's breach ageing is noted again too."""
    note_breach_ageing(db.session.scalars(select(Customer.id)), now)
    db.session.execute(
        update(Ticket)
        .where(Ticket.status.not_in(ACTIVE_STATUSES), Ticket.risk_score != UNRANKED)
        .values(risk_score=UNRANKED, risk_refresh_at=None),
        execution_options={"synchronize_session": False},
    )
    return _rank_batches(active_criteria(), now, batch_size, by_refresh=False)
