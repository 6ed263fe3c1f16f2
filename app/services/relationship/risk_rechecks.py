"""Customers whose tickets await a new risk rank after a bulk change of their health.

An SLA sweep that breaches thousands of tickets lowers as many customers' health; ranking all
their active tickets inside the sweep would slow it by the size of their ticket books. The sweep
only notes the customers (one small insert); the risk refresh job marks their tickets due and
ranks them on its next run.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update

from app.domain.vocabulary import ACTIVE_STATUSES
from app.extensions import db
from app.models import RiskRecheck, Ticket
from app.services.common.rows import insert_on_conflict

CHUNK = 500


def mark_customers_due(customer_ids: Iterable[int], now: datetime) -> None:
    """Note the customers whose tickets the next risk refresh must rank again."""
    rows = [{"customer_id": i, "marked_at": now} for i in sorted(set(customer_ids))]
    if not rows:
        return
    db.session.execute(insert_on_conflict(RiskRecheck).on_conflict_do_nothing(), rows)


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
        db.session.execute(
            update(Ticket)
            .where(Ticket.customer_id.in_(ids), Ticket.status.in_(ACTIVE_STATUSES))
            .values(risk_refresh_at=now),
            execution_options={"synchronize_session": False},
        )
        db.session.commit()
        released += len(ids)
