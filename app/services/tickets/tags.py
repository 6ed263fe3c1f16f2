"""Taking a tag off a ticket by hand (adding one is in `bulk.add_tag`): with the same access
check as every other change to a ticket, and a line in its history."""

from __future__ import annotations

from datetime import datetime

from app.domain.errors import InvalidInput
from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import TicketTag, User
from app.models.types import utcnow
from app.services.common.access import ticket_to_work
from app.services.common.history import record
from app.services.common.transaction import transaction


def remove_tag(actor: User, ticket_id: int, tag: str, *, now: datetime | None = None) -> None:
    """Remove a tag the ticket has; an agent must be able to work the ticket (as for adding)."""
    tag = (tag or "").strip().lower()
    now = now or utcnow()
    with transaction():
        ticket = ticket_to_work(actor, ticket_id)
        row = db.session.get(TicketTag, (ticket.id, tag)) if tag else None
        if row is None:
            raise InvalidInput(f"{ticket.reference} is not tagged '{tag[:40]}'.", field="tag")
        db.session.delete(row)
        record(
            ActivityKind.tag_removed,
            f"{actor.name} removed the tag '{tag}' from {ticket.reference}",
            now=now,
            actor=actor,
            ticket=ticket,
            data={"tag": tag},
        )
