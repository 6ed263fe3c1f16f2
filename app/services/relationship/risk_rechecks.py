"""Customers whose tickets await a new risk rank after a bulk change of their health.

An SLA sweep that breaches thousands of tickets lowers as many customers' health; ranking all
their active tickets inside the sweep would slow it by the size of their ticket books. The sweep
only notes the customers (one small insert); the risk refresh job marks their tickets due and
ranks them on its next run.

Health also improves by time alone, when an old breach leaves the 90-day window. Each customer
keeps the moment their oldest counted breach ages out (`breaches_age_out_at`, indexed, set as
their breaches are counted here); the refresh notes the customers whose moment has passed, like
a sweep's, so their tickets are ranked again once, without a scan of anyone's history.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select, update

from app.domain.sla_vocabulary import SlaEventKind
from app.domain.vocabulary import ACTIVE_STATUSES
from app.extensions import db
from app.models import Customer, RiskRecheck, SlaEvent, Ticket
from app.services.common.rows import insert_on_conflict
from app.services.relationship.figures import WINDOW

CHUNK = 500


def mark_customers_due(customer_ids: Iterable[int], now: datetime) -> None:
    """Note the customers whose tickets the next risk refresh must rank again."""
    rows = [{"customer_id": i, "marked_at": now} for i in sorted(set(customer_ids))]
    if not rows:
        return
    db.session.execute(insert_on_conflict(RiskRecheck).on_conflict_do_nothing(), rows)


def note_breach_ageing(customer_ids: Iterable[int], now: datetime) -> None:
    """Store when each customer's oldest breach still counted at `now` leaves the window (None
    when none counts): one grouped read by the customer's breach index, one update each."""
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        oldest = dict(
            db.session.execute(
                select(SlaEvent.customer_id, func.min(SlaEvent.created_at))
                .where(
                    SlaEvent.customer_id.in_(chunk),
                    SlaEvent.kind == SlaEventKind.breach,
                    SlaEvent.created_at >= now - WINDOW,  # as the health counts them (figures)
                )
                .group_by(SlaEvent.customer_id)
            ).all()
        )
        for customer_id in chunk:
            counted = oldest.get(customer_id)
            db.session.execute(
                update(Customer)
                .where(Customer.id == customer_id)
                .values(breaches_age_out_at=counted + WINDOW if counted is not None else None),
                execution_options={"synchronize_session": False},
            )


def mark_aged_breaches(now: datetime) -> int:
    """Note the customers an old breach stopped counting against (its moment has passed), so
    this refresh ranks their tickets again; returns how many."""
    ids = list(
        db.session.scalars(
            select(Customer.id).where(Customer.breaches_age_out_at < now).order_by(Customer.id)
        )
    )
    mark_customers_due(ids, now)
    return len(ids)


def release_rechecks(now: datetime) -> int:
    """Mark the noted customers' active tickets due for ranking and forget the customers, a
    chunk at a time; returns how many customers were released. A customer noted again while
    this runs waits for the next run: the note is deleted before the tickets are marked."""
    released = 0
    while True:
        ids = list(
            db.session.scalars(select(RiskRecheck.customer_id).order_by(RiskRecheck.customer_id).limit(CHUNK))
        )
        if not ids:
            return released
        db.session.execute(delete(RiskRecheck).where(RiskRecheck.customer_id.in_(ids)))
        note_breach_ageing(ids, now)  # a new breach, or an old one gone: when the next ages out
        db.session.execute(
            update(Ticket)
            .where(Ticket.customer_id.in_(ids), Ticket.status.in_(ACTIVE_STATUSES))
            .values(risk_refresh_at=now),
            execution_options={"synchronize_session": False},
        )
        db.session.commit()
        released += len(ids)
