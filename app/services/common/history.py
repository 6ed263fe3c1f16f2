"""Writing events to the one activity stream."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.domain.vocabulary import ActivityKind
from app.models import Activity, Ticket, User
from app.services.common.row_batch import RowBatch, add_row


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
    rows: RowBatch | None = None,
) -> Activity | None:
    """Add an event to the session (the caller's transaction commits it), or to `rows`, a
    batch's INSERT (then None is returned)."""
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
    return add_row(Activity, values, rows)
