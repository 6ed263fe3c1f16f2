"""Writing on tickets: replies, internal notes, reopening (opening is in tickets.opening)."""

from __future__ import annotations

from datetime import datetime

from werkzeug.datastructures import FileStorage

from app.domain import tickets as rules
from app.domain.access import can_view_ticket, is_requester
from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.escalation import Trigger
from app.domain.vocabulary import (
    ActivityKind,
    AuthorKind,
    Status,
)
from app.domain.webhooks import WebhookEvent
from app.extensions import db
from app.models import Attachment, Message, Ticket, User
from app.models.types import utcnow
from app.services.common.access import require_staff, ticket_for, ticket_to_work
from app.services.common.history import record
from app.services.common.transaction import transaction
from app.services.mail import notices as mail_notices
from app.services.routing.ticket_change import TicketChange, finish_change
from app.services.rules.engine import fire_trigger
from app.services.sla import clock as sla_clock
from app.services.tickets import self_service
from app.services.tickets.attachments import save_attachments
from app.services.tickets.status import apply_status, move_status, reopen
from app.services.webhooks.events import emit


def add_reply(
    actor: User,
    ticket_id: int,
    body: str,
    *,
    status: str | None = None,
    now: datetime | None = None,
    files: list[FileStorage] | None = None,
    expected_version: int | None = None,
) -> Message:
    """A public message: from the customer (may reopen) or from an agent (counts as a response).

    `files` are attached to the message in the same transaction (see services.attachments)."""
    now = now or utcnow()
    body = rules.clean_body(body)
    if actor.is_staff:
        return _agent_reply(actor, ticket_id, body, status, now, files, expected_version)
    return _customer_reply(actor, ticket_id, body, now, files)


def _write_message(
    actor: User,
    ticket: Ticket,
    body: str,
    author_kind: AuthorKind,
    now: datetime,
    files: list[FileStorage] | None,
    *,
    internal: bool = False,
    row_id: int | None = None,
) -> tuple[Message, list[Attachment]]:
    """Add a message to the ticket, with its files checked and stored in the same transaction.

    A caller that took the message's id already (`row_id`) saves a flush: the message goes in
    with the transaction's other rows."""
    message = Message(
        id=row_id,
        ticket_id=ticket.id,
        author_id=actor.id,
        author_kind=author_kind,
        internal=internal,
        body=body,
        created_at=now,
    )
    db.session.add(message)
    if row_id is None or files:
        db.session.flush()
    return message, save_attachments(actor, ticket, message, files, now)


def _customer_reply(
    actor: User, ticket_id: int, body: str, now: datetime, files: list[FileStorage] | None = None
) -> Message:
    with transaction():
        # A reply is an append and conflicts with nothing: the ticket is locked while it is
        # written, so a sweep or an agent saving meanwhile makes it wait instead of refusing it.
        ticket = ticket_for(actor, ticket_id, for_update=True)
        return _reply_as_customer(actor, ticket, body, now, files)


def add_customer_reply(
    actor: User,
    ticket: Ticket,
    body: str,
    *,
    now: datetime,
    files: list[FileStorage] | None = None,
    row_id: int | None = None,
) -> Message:
    """A customer's public message on a ticket the caller's transaction has already locked and
    read afresh (as `ticket_for(..., for_update=True)` does; mail arriving on a thread finds
    its ticket that way): the same as add_reply without reading the ticket again. `row_id` is
    the message's id when the caller took one under the same lock."""
    body = rules.clean_body(body)
    if actor.is_staff or not can_view_ticket(actor.as_actor(), ticket.facts()):
        raise NotFound("No such ticket.")
    with transaction():
        return _reply_as_customer(actor, ticket, body, now, files, row_id)


def _reply_as_customer(
    actor: User,
    ticket: Ticket,
    body: str,
    now: datetime,
    files: list[FileStorage] | None,
    row_id: int | None = None,
) -> Message:
    change = TicketChange(ticket, now)
    new_status, reopened = rules.status_after_customer_reply(ticket.status)
    if reopened and not is_requester(actor.as_actor(), ticket.facts()):
        # An organization admin sees colleagues' requests; reopening stays with who asked.
        raise NotAllowed("This request is solved; only the person who asked can reopen it.")
    message, _files = _write_message(actor, ticket, body, AuthorKind.customer, now, files, row_id=row_id)
    ticket.updated_at = now
    record(
        ActivityKind.customer_replied,
        f"{actor.name} replied on {ticket.reference}",
        now=now,
        actor=actor,
        ticket=ticket,
    )
    if reopened:
        reopen(change, actor, "the customer replied")
    if ticket.tier == 0:
        # The automatic answer promised that a reply brings a person in.
        self_service.hand_to_a_person(change, actor, "The customer replied to the automatic answer")
    move_status(change, new_status)
    sla_clock.on_customer_reply(ticket, now, change.clocks)
    fire_trigger(change, Trigger.customer_replied)
    if reopened:
        fire_trigger(change, Trigger.ticket_reopened)
    finish_change(change)
    emit(WebhookEvent.ticket_replied, ticket, now, {"author": "customer", "message_id": message.id})
    return message


def _agent_reply(
    actor: User,
    ticket_id: int,
    body: str,
    status: str | None,
    now: datetime,
    files: list[FileStorage] | None = None,
    expected_version: int | None = None,
) -> Message:
    requested = parse_choice(Status, status, "status", optional=True)
    with transaction():
        ticket = ticket_to_work(actor, ticket_id, expected_version)
        change = TicketChange(ticket, now)
        new_status = rules.status_after_agent_reply(ticket.status, requested)
        if new_status != ticket.status:
            rules.check_status_change(ticket.status, new_status)
        message, attachments = _write_message(actor, ticket, body, AuthorKind.agent, now, files)
        mail_notices.agent_replied(ticket, message, attachments, now)
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
        ticket.updated_at = now
        record(
            ActivityKind.agent_replied,
            f"{actor.name} replied on {ticket.reference}",
            now=now,
            actor=actor,
            ticket=ticket,
        )
        if new_status != ticket.status:
            apply_status(change, actor, new_status)
        sla_clock.on_agent_reply(ticket, now, change.clocks)
        finish_change(change)
        emit(WebhookEvent.ticket_replied, ticket, now, {"author": "agent", "message_id": message.id})
    return message


def add_internal_note(
    actor: User,
    ticket_id: int,
    body: str,
    *,
    now: datetime | None = None,
    files: list[FileStorage] | None = None,
) -> Message:
    """A note only staff can read. Any agent may note a ticket they can see, even above their tier."""
    now = now or utcnow()
    body = rules.clean_body(body)
    require_staff(actor)
    with transaction():
        ticket = ticket_for(actor, ticket_id)
        message, _files = _write_message(actor, ticket, body, AuthorKind.agent, now, files, internal=True)
        ticket.updated_at = now
        record(
            ActivityKind.note_added,
            f"{actor.name} added an internal note on {ticket.reference}",
            now=now,
            actor=actor,
            ticket=ticket,
            data={"internal": True},
        )
    return message


def reopen_ticket(actor: User, ticket_id: int, *, now: datetime | None = None) -> Ticket:
    """The customer (or staff) reopens a solved ticket."""
    now = now or utcnow()
    with transaction():
        if actor.is_staff:
            ticket = ticket_to_work(actor, ticket_id)
        else:
            ticket = ticket_for(actor, ticket_id, for_update=True)
        if not actor.is_staff and not is_requester(actor.as_actor(), ticket.facts()):
            raise NotAllowed("Only the person who asked can reopen this request.")
        if ticket.status != Status.solved:
            raise InvalidInput("Only a solved request can be reopened.", field="status")
        change = TicketChange(ticket, now)
        reopen(change, actor, "reopened by " + ("an agent" if actor.is_staff else "the customer"))
        move_status(change, Status.open)
        fire_trigger(change, Trigger.ticket_reopened)
        finish_change(change)
    return ticket
