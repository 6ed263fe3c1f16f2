"""The one place that writes the audit log: every recorder adds a row, none edits or deletes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.domain.audit import AuditKind, current_origin
from app.extensions import db
from app.models import AuditEntry, User
from app.models.types import utcnow
from app.services.common.transaction import transaction


def audit(
    kind: AuditKind,
    summary: str,
    *,
    actor: User | None = None,
    email: str | None = None,
    now: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Add an entry to the caller's transaction (or its own one when there is none), with the
    address and browser of the request being served."""
    origin = current_origin.get()
    entry = AuditEntry(
        created_at=now or utcnow(),
        kind=kind.value,
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else None,
        email=(email or (actor.email if actor is not None else None) or "")[:254].lower() or None,
        address=(origin.address or "")[:64] or None,
        user_agent=(origin.user_agent or "")[:300] or None,
        summary=summary[:500],
        data=data or {},
    )
    with transaction():
        db.session.add(entry)
