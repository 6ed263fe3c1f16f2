"""Opening a ticket: a customer's request (the portal, mail, the API) or one staff open for a
customer, with every follow-up of its opening in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, bindparam, func, inspect, select
from sqlalchemy.orm.attributes import set_committed_value

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
from app.models import Customer, Organization, Ticket, User
from app.models.types import utcnow
from app.services.common.adopted import adopt, attach_inserted, fresh
from app.services.common.history import record
from app.services.common.many_rows import insert_many
from app.services.common.prepared import PreparedStatement
from app.services.common.row_batch import RowBatch
from app.services.common.rows import find_row
from app.services.common.setup_cache import note_versions, versions_column
from app.services.common.transaction import transaction
from app.services.mail import notices as mail_notices
from app.services.relationship.figures import CUSTOMER_FACT_COLUMNS, fact_parameters, facts_of
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
        ticket_id, before, rating = _first_read(customer, now)
        health = replace(before, open_tickets=before.open_tickets + 1)  # with the new ticket open
        ticket = fresh(
            Ticket,
            dict(
                id=ticket_id,
                reference=rules.format_reference(current_app.config["TICKET_REFERENCE_PREFIX"], ticket_id),
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
                customer=customer,
                organization=customer.organization,
                **_COLUMN_DEFAULTS,
            ),
        )
        # The ticket stays out of the session until the end: it is inserted once, with every
        # column its opening gave it (policy, team, assignee, SLA summary, rank), as a plain
        # INSERT; its history, clocks and notices are collected for one INSERT per table.
        with db.session.no_autoflush:
            change = _opening_change(ticket, customer, now, health, before)
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
            self_service.attach_seen(ticket, seen_article_ids, now, change.rows)
            answer = None
            if channel_value in (Channel.portal, Channel.email) and not actor.is_staff:
                answer = self_service.answer_automatically(change)
            finish_change(change)
            if not (actor.is_staff and channel_value is Channel.chat):
                # A customer in a chat with the desk already knows; phone and mail get the receipt.
                mail_notices.request_received(ticket, now, answer.article if answer else None, change.rows)
            emit(WebhookEvent.ticket_created, ticket, now, rows=change.rows)
            _insert(ticket)
        db.session.flush()  # the team's cursor, an automatic answer's message
        write_collected(change)
    return ticket


_TICKET_COLUMNS = [(attribute.key, attribute.columns[0].key) for attribute in inspect(Ticket).column_attrs]


def _insert(ticket: Ticket) -> None:
    """Insert the opened ticket as a plain row, then put it in the session as if it had been
    read back (no second write, nothing to read): callers use it after the commit."""
    loaded = ticket.__dict__
    loaded["version"] = 1  # the optimistic lock's first version, as the ORM's own INSERT gives it
    values = {}
    for key, column in _TICKET_COLUMNS:
        # Never set: NULL, and known to be (else it would be read again).
        values[column] = loaded.setdefault(key, None)
    insert_many(Ticket.__table__, [values])  # compiled once, straight to the driver on SQLite
    attach_inserted(ticket)  # its customer, organization and agent are the session's


# The columns whose defaults the ORM would give at the INSERT: the opening reads them before.
_COLUMN_DEFAULTS = {
    "reopen_count": 0,
    "escalation_count": 0,
    "vendor_pauses_clock": False,
    "risk_score": 0,
    "risk_pressure": 0,
    "risk_account": 0,
    "risk_value": 0,
    "risk_health": 0,
    "risk_priority": 0,
}

_FIRST_READS: dict[tuple[str, bool], PreparedStatement] = {}
_ORGANIZATION_COLUMNS = [
    (attribute.key, attribute.columns[0]) for attribute in inspect(Organization).column_attrs
]


def _first_read(customer: Customer, now: datetime) -> tuple[int, HealthInputs, int | None]:
    """What the opening reads first, in one statement: the new ticket's id (taken under SQLite's
    write lock, or from PostgreSQL's sequence), the setup versions this process's copies are
    checked against (see common.setup_cache), the customer's health inputs (before the new
    ticket counts) and latest rating, and their organization when it is not loaded yet (its
    name goes in the assignee's notice, its account in the risk rank)."""
    dialect = db.session.connection().dialect.name
    with_organization = customer.organization_id is not None and "organization" not in customer.__dict__
    statement = _FIRST_READS.get((dialect, with_organization))
    if statement is None:
        if dialect == "postgresql":
            next_id: ColumnElement[Any] = func.nextval(func.pg_get_serial_sequence("tickets", "id"))
        else:
            next_id = select(func.coalesce(func.max(Ticket.id), 0) + 1).scalar_subquery()
        query = select(next_id, versions_column(), *CUSTOMER_FACT_COLUMNS)
        if with_organization:
            query = query.add_columns(*(column for _key, column in _ORGANIZATION_COLUMNS)).where(
                Organization.id == bindparam("organization_id")
            )
        statement = _FIRST_READS[(dialect, with_organization)] = PreparedStatement(query)
    parameters = fact_parameters(customer.id, now)
    if with_organization:
        parameters["organization_id"] = customer.organization_id
    row = statement.one(parameters)
    note_versions(row[1])
    width = 2 + len(CUSTOMER_FACT_COLUMNS)
    health, rating = facts_of(row[2:width])
    if with_organization:
        values = {
            key: value for (key, _column), value in zip(_ORGANIZATION_COLUMNS, row[width:], strict=True)
        }
        set_committed_value(customer, "organization", adopt(Organization, values))
    return int(row[0]), health, rating


def _opening_change(
    ticket: Ticket, customer: Customer, now: datetime, health: HealthInputs, before: HealthInputs
) -> TicketChange:
    """The change that opens `ticket`: the end ranks the customer's health from the figures read
    first (the rules saw them too; `before`, without the new ticket, is what the customer's other
    tickets were ranked from); its clocks and rows are collected for one INSERT each."""
    clocks = ClockPass(running={ticket.id: []}, new_rows=[])
    return TicketChange(
        ticket,
        now,
        clocks=clocks,
        rows=RowBatch(),
        rank_health=True,
        rank_organization=True,
        opening_health=health,
        health_before=before,
        opening=True,
    )


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
