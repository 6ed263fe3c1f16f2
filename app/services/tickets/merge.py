"""Merging a duplicate ticket into another of the same customer: its conversation, files and
history move, the duplicate is closed with a link, and the customer is told in both places."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from app.domain.errors import InvalidInput
from app.domain.tickets import parse_reference
from app.domain.vocabulary import ActivityKind, AuthorKind, Status
from app.extensions import db
from app.models import Activity, Attachment, Message, Ticket, User
from app.models.types import utcnow
from app.services.common.access import ticket_to_work
from app.services.common.history import record
from app.services.common.transaction import transaction
from app.services.routing.ticket_change import TicketChange, finish_change
from app.services.tickets.status import move_status


def merge_tickets(
    actor: User, duplicate_id: int, target_reference: str, *, now: datetime | None = None
) -> Ticket:
    """Merge the duplicate into the ticket named by its reference (e.g. TD-1042)."""
    now = now or utcnow()
    target_id = parse_reference(target_reference or "")
    if target_id is None:
        raise InvalidInput("Give the reference of the ticket to merge into, like TD-1042.", field="target")
    if target_id == duplicate_id:
        raise InvalidInput("A ticket cannot be merged into itself.", field="target")
    with transaction():
        if db.session.scalar(select(Ticket.id).where(Ticket.id == target_id)) is None:
            raise InvalidInput(f"No ticket {target_reference.strip()}.", field="target")
        # Locked in id order, so two merges of the same pair cannot wait on each other.
        locked = {
            ticket_id: ticket_to_work(actor, ticket_id) for ticket_id in sorted((duplicate_id, target_id))
        }
        duplicate, target = locked[duplicate_id], locked[target_id]
        if target.customer_id != duplicate.customer_id:
            raise InvalidInput("Only tickets of the same customer can be merged.", field="target")
        if duplicate.status is Status.closed or target.status is Status.closed:
            raise InvalidInput("A closed ticket cannot be merged.", field="target")
        for model in (Message, Attachment, Activity):
            db.session.execute(
                update(model).where(model.ticket_id == duplicate.id).values(ticket_id=target.id)
            )
        db.session.add(
            Message(
                ticket_id=target.id,
                author_kind=AuthorKind.system,
                created_at=now,
                body=f"{duplicate.reference} (“{duplicate.subject}”) was merged into this request; "
                "its messages are above.",
            )
        )
        db.session.add(
            Message(
                ticket_id=duplicate.id,
                author_kind=AuthorKind.system,
                created_at=now,
                body=f"This request was merged into {target.reference}; we continue there.",
            )
        )
        closing = TicketChange(duplicate, now)
        move_status(closing, Status.closed)
        duplicate.closed_at = now
        target.updated_at = now
        for ticket, text in (
            (duplicate, f"{duplicate.reference} merged into {target.reference}"),
            (target, f"{duplicate.reference} merged into {target.reference}"),
        ):
            record(
                ActivityKind.ticket_merged,
                f"{actor.name}: {text}",
                now=now,
                actor=actor,
                ticket=ticket,
                data={"duplicate": duplicate.id, "target": target.id},
            )
        finish_change(closing)
    return target
