"""Opening a ticket: a customer's request (the portal, mail, the API) or one staff open for a
customer, with every follow-up of its opening in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import current_app

from app.domain import tickets as rules
from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.escalation import Trigger
from app.domain.relationship import HealthInputs
from app.domain.vocabulary import (
    ActivityKind,
    Category,
    Channel,
    Priority,
    Status,
    Tier,
)
from app.domain.webhooks import WebhookEvent
from app.extensions import db
from app.models import Customer, Ticket, User
from app.models.types import utcnow
from app.services.common.history import record
from app.services.common.row_batch import RowBatch
from app.services.common.rows import find_row
from app.services.common.transaction import transaction
from app.services.mail import notices as mail_notices
from app.services.relationship.figures import customer_facts
from app.services.routing.ticket_change import TicketChange, finish_change, write_collected
from app.services.rules.engine import fire_trigger
from app.services.rules.snapshots import new_ticket_snapshot
from app.services.sla import clock as sla_clock
from app.services.sla.clock_pass import ClockPass
from app.services.tickets import self_service
from app.services.webhooks.events import emit


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
    article answers starts at tier 0 with that article as its first reply. Each follow-up runs
    once, in this order: the clocks start, so the ticket_created rules see them; the rules and
    self-service decide the tier and team; the ticket enters that team's queue; its SLA summary
    and risk rank are stored, and its customer's health is ranked again."""
    now = now or utcnow()
    subject = rules.clean_subject(subject)
    description = rules.clean_body(description, field="description")
    channel_value = parse_choice(Channel, channel, "channel")
    category_value = parse_choice(Category, category, "category")
    priority_value = parse_choice(Priority, priority, "priority")
    customer = _requesting_customer(actor, customer_id)
    # The caller reads the ticket it gets back (its reference, say): what was written stays
    # loaded after the commit instead of being read again.
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        return _open(
            actor,
            customer,
            subject,
            description,
            category_value,
            priority_value,
            channel_value,
            seen_article_ids,
            now,
        )
    finally:
        session.expire_on_commit = expire


def _open(
    actor: User,
    customer: Customer,
    subject: str,
    description: str,
    category_value: Category,
    priority_value: Priority,
    channel_value: Channel,
    seen_article_ids: Iterable[int],
    now: datetime,
) -> Ticket:
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
        db.session.flush()  # its id, for its reference and every row that follows
        # Nothing more is flushed before the end: the ticket's later columns (reference, policy,
        # team, assignee, SLA summary, rank) go in one UPDATE, and its history, clocks and
        # notices are collected for one INSERT per table.
        with db.session.no_autoflush:
            ticket.reference = rules.format_reference(
                current_app.config["TICKET_REFERENCE_PREFIX"], ticket.id
            )
            change, health, rating = _opening_change(ticket, customer, now)
            opened_by = ""
            if actor.is_staff:
                opened_by = f" by {actor.name} for {customer.name} ({channel_value.value})"
            record(
                ActivityKind.ticket_opened,
                f"{ticket.reference} opened{opened_by}: {subject}",
                now=now,
                actor=actor,
                ticket=ticket,
                data={
                    "tier": ticket.tier,
                    "priority": priority_value.value,
                    "channel": channel_value.value,
                    **({"opened_by": actor.id} if actor.is_staff else {}),
                },
                rows=change.rows,
            )
            sla_clock.start_ticket(ticket, now, change.clocks)
            change.enter_queue()  # the tier's team, unless a rule chooses one
            snapshot = new_ticket_snapshot(ticket, now, health, rating)
            fire_trigger(change, Trigger.ticket_created, snapshot=snapshot)
            self_service.attach_seen(ticket, seen_article_ids, now)
            answer = None
            if channel_value in (Channel.portal, Channel.email) and not actor.is_staff:
                answer = self_service.answer_automatically(change)
            finish_change(change)
            if not (actor.is_staff and channel_value is Channel.chat):
                # A customer in a chat with the desk already knows; phone and mail get the receipt.
                mail_notices.request_received(ticket, now, answer.article if answer else None, change.rows)
            emit(WebhookEvent.ticket_created, ticket, now)
            write_collected(change)
    return ticket


def _opening_change(
    ticket: Ticket, customer: Customer, now: datetime
) -> tuple[TicketChange, HealthInputs, int | None]:
    """The change that opens `ticket`: its customer's figures read once (the rules see them, and
    the end ranks the customer's health from them), its clocks and rows collected; and the
    customer's health inputs and latest rating, for the rules' snapshot."""
    ticket.customer, ticket.organization = customer, customer.organization  # no reads
    health, rating = customer_facts(customer.id, now)
    clocks = ClockPass(running={ticket.id: []}, new_rows=[])
    change = TicketChange(
        ticket,
        now,
        clocks=clocks,
        rows=RowBatch(),
        rank_health=True,
        rank_organization=True,
        opening_health=health,
        opening=True,
    )
    return change, health, rating


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
