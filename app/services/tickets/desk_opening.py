"""A ticket the desk opens for a customer who phoned, wrote elsewhere or chatted: it goes the
same way as a portal request (rules, SLA clocks, history, risk rank, queue), names the agent who
opened it, and may start with an internal note."""

from __future__ import annotations

from datetime import datetime

from app.domain import tickets as rules
from app.domain.choices import parse_choice
from app.domain.customer_words import description_problem
from app.domain.errors import InvalidInput
from app.domain.vocabulary import Category, Channel, Priority
from app.models import Customer, Ticket, User
from app.models.types import utcnow
from app.services.common.access import require_staff
from app.services.common.rows import find_row
from app.services.relationship.customer_lookup import add_customer
from app.services.tickets.conversation import add_internal_note
from app.services.tickets.opening import open_ticket

DESK_CHANNELS = (Channel.phone, Channel.email, Channel.chat)


def open_for_customer(
    actor: User,
    *,
    channel: str,
    subject: str,
    description: str,
    customer_id: int | None = None,
    new_name: str = "",
    new_email: str = "",
    category: str = Category.general,
    priority: str = Priority.normal,
    note: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket on a customer's behalf: an existing customer, or a new one (name and
    address, created unverified). Everything typed is checked before anyone is created."""
    require_staff(actor)
    now = now or utcnow()
    channel_value = parse_choice(Channel, channel, "channel")
    if channel_value not in DESK_CHANNELS:
        raise InvalidInput("Choose phone, email or chat.", field="channel")
    rules.clean_subject(subject)
    problem = description_problem(description)
    if problem:
        raise InvalidInput(problem, field="description")
    parse_choice(Category, category, "category")
    parse_choice(Priority, priority, "priority")
    customer = _customer(actor, customer_id, new_name, new_email, now)
    ticket = open_ticket(
        actor,
        subject=subject,
        description=description,
        category=category,
        priority=priority,
        channel=channel_value,
        customer_id=customer.id,
        now=now,
    )
    if (note or "").strip():
        add_internal_note(actor, ticket.id, note, now=now)
    return ticket


def _customer(actor: User, customer_id: int | None, new_name: str, new_email: str, now: datetime) -> Customer:
    adding = bool((new_name or "").strip() or (new_email or "").strip())
    if customer_id is not None and adding:
        raise InvalidInput("Choose a customer or add a new one, not both.", field="customer")
    if customer_id is not None:
        customer = find_row(Customer, customer_id)
        if customer is None:
            raise InvalidInput("That customer no longer exists; search again.", field="customer")
        return customer
    if adding:
        return add_customer(actor, new_name, new_email, now=now)
    raise InvalidInput("Choose the customer, or add a new one.", field="customer")
