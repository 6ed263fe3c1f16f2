"""Writing events to the one activity stream."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from app.domain.vocabulary import ActivityKind
from app.extensions import Base, db
from app.models import Activity, Ticket, User

# Inside `deferred_history()`, events are collected as rows and written in one INSERT by the
# caller (the SLA sweep writes thousands at a time); everywhere else they are ORM objects.
Rows = dict[type[Base], list[dict[str, Any]]]
_deferred: ContextVar[Rows | None] = ContextVar("deferred_history", default=None)


@contextmanager
def deferred_history() -> Iterator[Rows]:
    rows: Rows = {}
    token = _deferred.set(rows)
    try:
        yield rows
    finally:
        _deferred.reset(token)


def defer(model: type[Base], values: dict[str, Any]) -> bool:
    """Collect a history row for a later bulk insert; False when nothing is being collected."""
    rows = _deferred.get()
    if rows is None:
        return False
    rows.setdefault(model, []).append(values)
    return True


def write_deferred(rows: Rows) -> None:
    """Write collected rows (inside the caller's transaction), one INSERT per kind.

    Plain table inserts: the rows need no ids back and no ORM bookkeeping."""
    for model, values in rows.items():
        if values:
            db.session.execute(insert(model.__table__), values)


def record(
    kind: ActivityKind,
    summary: str,
    *,
    now: datetime,
    actor: User | None = None,
    ticket: Ticket | None = None,
    customer_id: int | None = None,
    organization_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> Activity | None:
    """Add an event to the session (the caller's transaction commits it)."""
    if ticket is not None:
        customer_id = customer_id or ticket.customer_id
        organization_id = organization_id or ticket.organization_id
    values = {
        "kind": kind.value,
        "summary": summary[:500],
        "created_at": now,
        "actor_id": actor.id if actor else None,
        "ticket_id": ticket.id if ticket else None,
        "customer_id": customer_id,
        "organization_id": organization_id,
        "data": data or {},
    }
    if defer(Activity, values):
        return None
    activity = Activity(**values)
    db.session.add(activity)
    return activity
