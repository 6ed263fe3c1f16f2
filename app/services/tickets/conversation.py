"""Opening tickets and writing on them: replies, internal notes, reopening."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from flask import current_app
from werkzeug.datastructures import FileStorage

from app.domain import tickets as rules
from app.domain.access import is_requester
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.escalation import Trigger
from app.domain.tiers import tier_label
from app.domain.vocabulary import (
    ActivityKind,
    AuthorKind,
    Category,
    Channel,
    Priority,
    Status,
    Tier,
)
from app.extensions import db
from app.models import Customer, Message, Ticket, User
from app.models.types import utcnow
from app.services.common.access import require_staff, ticket_for, ticket_to_work
from app.services.common.history import record
from app.services.common.rows import find_row
from app.services.common.transaction import transaction
from app.services.relationship import risk_rank
from app.services.routing.assignment import enter_team_queue
from app.services.rules.engine import fire_trigger
from app.services.sla import clock as sla_clock
from app.services.tickets import self_service
from app.services.tickets.attachments import save_attachments

Choice = TypeVar("Choice", bound=StrEnum)


def _enum(enum_class: type[Choice], value: str, field: str) -> Choice:
    try:
        return enum_class(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_class)
        raise InvalidInput(f"Unknown {field} '{value}'; expected one of {allowed}.", field) from None


def open_ticket(
    actor: User,
    *,
    subject: str,
    description: str,
    category: str = Category.general,
    priority: str = Priority.normal,
    channel: str = Channel.portal,
    customer_id: int | None = None,
    seen_article_ids: Iterable[int] = (),
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket for the actor (a customer) or, for staff, on behalf of a customer.

    Articles the customer read before asking are attached; a portal request that a self-service
    article answers starts at tier 0 with that article as its first reply."""
    now = now or utcnow()
    subject = rules.clean_subject(subject)
    description = rules.clean_body(description, field="description")
    category_value = _enum(Category, category, "category")
    priority_value = _enum(Priority, priority, "priority")
    channel_value = _enum(Channel, channel, "channel")
    customer = _requesting_customer(actor, customer_id)

    with transaction():
        ticket = Ticket(
            subject=subject,
            description=description,
            category=category_value,
            priority=priority_value,
            channel=channel_value,
            customer_id=customer.id,
            organization_id=customer.organization_id,
            status=Status.new,
            tier=int(Tier.FRONTLINE),
            created_at=now,
            updated_at=now,
            tier_entered_at=now,
        )
        db.session.add(ticket)
        db.session.flush()
        ticket.reference = rules.format_reference(current_app.config["TICKET_REFERENCE_PREFIX"], ticket.id)
        record(
            ActivityKind.ticket_opened,
            f"{ticket.reference} opened: {subject}",
            now=now,
            actor=actor,
            ticket=ticket,
            data={"tier": ticket.tier, "priority": priority_value.value, "channel": channel_value.value},
        )
        fire_trigger(ticket, Trigger.ticket_created, now)
        self_service.attach_seen(ticket, seen_article_ids, now)
        if channel_value is Channel.portal:
            self_service.answer_automatically(ticket, now)
        enter_team_queue(ticket, now)
        sla_clock.start_ticket(ticket, now)
        risk_rank.rank_new_ticket(ticket, now)
    return ticket


def _requesting_customer(actor: User, customer_id: int | None) -> Customer:
    if actor.is_staff:
        if customer_id is None:
            raise InvalidInput("Choose the customer this request is for.", field="customer")
        customer = find_row(Customer, customer_id)
        if customer is None:
            raise InvalidInput("No such customer.", field="customer")
        return customer
    if actor.customer is None:
        raise NotAllowed("This account has no customer profile.")
    if customer_id is not None and customer_id != actor.customer.id:
        raise NotFound("No such customer.")
    return actor.customer


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


def _customer_reply(
    actor: User, ticket_id: int, body: str, now: datetime, files: list[FileStorage] | None = None
) -> Message:
    with transaction():
        ticket = ticket_for(actor, ticket_id)
        new_status, reopened = rules.status_after_customer_reply(ticket.status)
        message = Message(
            ticket_id=ticket.id,
            author_id=actor.id,
            author_kind=AuthorKind.customer,
            body=body,
            created_at=now,
        )
        db.session.add(message)
        db.session.flush()
        save_attachments(actor, ticket, message, files, now)
        ticket.updated_at = now
        record(
            ActivityKind.customer_replied,
            f"{actor.name} replied on {ticket.reference}",
            now=now,
            actor=actor,
            ticket=ticket,
        )
        if reopened:
            _reopen(actor, ticket, now, "the customer replied")
        old_status, ticket.status = ticket.status, new_status
        sla_clock.on_status_change(ticket, old_status, new_status, now)
        sla_clock.on_customer_reply(ticket, now)
        fire_trigger(ticket, Trigger.customer_replied, now)
        if reopened:
            fire_trigger(ticket, Trigger.ticket_reopened, now)
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
    requested = _enum(Status, status, "status") if status else None
    with transaction():
        ticket = ticket_to_work(actor, ticket_id, expected_version)
        new_status = rules.status_after_agent_reply(ticket.status, requested)
        if new_status != ticket.status:
            rules.check_status_change(ticket.status, new_status)
        message = Message(
            ticket_id=ticket.id,
            author_id=actor.id,
            author_kind=AuthorKind.agent,
            body=body,
            created_at=now,
        )
        db.session.add(message)
        db.session.flush()
        save_attachments(actor, ticket, message, files, now)
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
            apply_status(actor, ticket, new_status, now)
        sla_clock.on_agent_reply(ticket, now)
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
        message = Message(
            ticket_id=ticket.id,
            author_id=actor.id,
            author_kind=AuthorKind.agent,
            internal=True,
            body=body,
            created_at=now,
        )
        db.session.add(message)
        db.session.flush()
        save_attachments(actor, ticket, message, files, now)
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
        ticket = ticket_to_work(actor, ticket_id) if actor.is_staff else ticket_for(actor, ticket_id)
        if not actor.is_staff and not is_requester(actor.as_actor(), ticket.facts()):
            raise NotAllowed("Only the person who asked can reopen this request.")
        if ticket.status != Status.solved:
            raise InvalidInput("Only a solved request can be reopened.", field="status")
        _reopen(actor, ticket, now, "reopened by " + ("an agent" if actor.is_staff else "the customer"))
        ticket.status = Status.open
        ticket.updated_at = now
        sla_clock.on_status_change(ticket, Status.solved, Status.open, now)
        fire_trigger(ticket, Trigger.ticket_reopened, now)
    return ticket


def _reopen(actor: User, ticket: Ticket, now: datetime, why: str) -> None:
    ticket.reopen_count += 1
    ticket.solved_at = None
    record(
        ActivityKind.ticket_reopened,
        f"{ticket.reference} reopened ({why}); reopened {ticket.reopen_count}×",
        now=now,
        actor=actor,
        ticket=ticket,
        data={"reopen_count": ticket.reopen_count},
    )


def apply_status(actor: User, ticket: Ticket, status: Status, now: datetime) -> None:
    """Set a status with its side effects and history; the caller has checked the transition."""
    old = ticket.status
    ticket.status = status
    ticket.updated_at = now
    sla_clock.on_status_change(ticket, old, status, now)
    if status == Status.solved:
        ticket.solved_at = now
        kind = ActivityKind.ticket_solved
    elif status == Status.closed:
        ticket.closed_at = now
        kind = ActivityKind.ticket_closed
    elif old == Status.solved:
        _reopen(actor, ticket, now, "reopened by an agent")
        kind = ActivityKind.status_changed
    else:
        kind = ActivityKind.status_changed
    record(
        kind,
        f"{ticket.reference}: {old.value.replace('_', ' ')} → {status.value.replace('_', ' ')}",
        now=now,
        actor=actor,
        ticket=ticket,
        data={"from": old.value, "to": status.value, "tier": tier_label(ticket.tier)},
    )
