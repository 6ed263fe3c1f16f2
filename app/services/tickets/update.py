"""One save from the ticket page: a reply or an internal note together with the ticket's
properties (status, priority, team, assignee, a tag added or removed), in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from werkzeug.datastructures import FileStorage

from app.domain.errors import InvalidInput
from app.models import User
from app.models.types import utcnow
from app.services.common.access import ticket_to_work
from app.services.common.transaction import transaction
from app.services.tickets.bulk import add_tag
from app.services.tickets.changes import assign_ticket, change_priority, change_status
from app.services.tickets.conversation import add_internal_note, add_reply
from app.services.tickets.tags import remove_tag

KEEP = -1  # an assignee id no row has: "leave the assignee as it is"


@dataclass(frozen=True, slots=True)
class TicketUpdate:
    """What the agent asked for; None (or KEEP for the assignee) leaves a property as it is."""

    body: str = ""
    internal: bool = False
    status: str | None = None
    priority: str | None = None
    team_id: int | None = None
    assignee_id: int | None = KEEP
    tag: str | None = None
    remove_tag: str | None = None
    files: list[FileStorage] = field(default_factory=list)


def update_ticket(
    actor: User,
    ticket_id: int,
    update: TicketUpdate,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Write the message and change what differs, all or nothing; returns what was done, in
    words. A page that showed an older version is refused (Conflict) before anything is written."""
    now = now or utcnow()
    done: list[str] = []
    body = (update.body or "").strip()
    with transaction():
        ticket = ticket_to_work(actor, ticket_id, expected_version)
        status = update.status if update.status and update.status != ticket.status.value else None
        if body and not update.internal:
            add_reply(actor, ticket.id, body, status=status, files=update.files, now=now)
            done.append("Reply sent")
            status = None  # the reply set it
        elif body:
            add_internal_note(actor, ticket.id, body, files=update.files, now=now)
            done.append("Note added")
        if status:
            change_status(actor, ticket.id, status, now=now)
            done.append(f"status {status.replace('_', ' ')}")
        if update.priority and update.priority != ticket.priority.value:
            change_priority(actor, ticket.id, update.priority, now=now)
            done.append(f"priority {update.priority}")
        assignee = ticket.assignee_id if update.assignee_id == KEEP else update.assignee_id
        team = update.team_id if update.team_id is not None else ticket.team_id
        if assignee != ticket.assignee_id or team != ticket.team_id:
            assign_ticket(actor, ticket.id, assignee_id=assignee, team_id=update.team_id, now=now)
            done.append("assignment saved")
        if update.tag and update.tag.strip():
            add_tag(actor, ticket.id, update.tag, now=now)
            done.append(f"tagged '{update.tag.strip().lower()}'")
        if update.remove_tag:
            remove_tag(actor, ticket.id, update.remove_tag, now=now)
            done.append(f"tag '{update.remove_tag.strip().lower()}' removed")
        if not done:
            raise InvalidInput("The message is empty and nothing else changed.", field="body")
    return done


def done_words(done: list[str]) -> str:
    """'Reply sent; status pending.' from what update_ticket did."""
    text = "; ".join(done)
    return text[:1].upper() + text[1:] + "."
