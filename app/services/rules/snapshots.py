"""Ticket snapshots for the escalation rules: the ticket plus its customer's relationship facts.

Snapshots are built from plain column rows in chunks (one query for the tickets with their
organization, one for the tags, a few for the customers' health, which holds their open-ticket
counts too), so building them for a hundred thousand tickets costs a few queries per thousand
tickets, never one per ticket.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from app.domain.relationship import HealthInputs, health_score
from app.domain.rule_fields import TicketSnapshot
from app.extensions import db
from app.models import Organization, Ticket, TicketTag
from app.services.relationship.figures import (
    CUSTOMER_FACT_COLUMNS,
    fact_parameters,
    facts_of,
    health_inputs,
    last_csat,
)

CHUNK_SIZE = 2000


def snapshot_query() -> Select:
    """The columns a snapshot needs; callers add their own filters and order."""
    return select(
        Ticket.id,
        Ticket.priority,
        Ticket.status,
        Ticket.tier,
        Ticket.channel,
        Ticket.category,
        Ticket.subject,
        Ticket.description,
        Ticket.created_at,
        Ticket.reopen_count,
        Ticket.escalation_count,
        Ticket.customer_id,
        Ticket.team_id,
        Ticket.assignee_id,
        Organization.account_tier,
        Organization.lifecycle_stage,
        Organization.loyalty_segment,
        Organization.lifetime_value,
    ).outerjoin(Organization, Ticket.organization_id == Organization.id)


def _tags(ticket_ids: list[int]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    if ticket_ids:
        rows = db.session.execute(
            select(TicketTag.ticket_id, TicketTag.tag).where(TicketTag.ticket_id.in_(ticket_ids))
        )
        for ticket_id, tag in rows:
            found[ticket_id].add(tag)
    return {ticket_id: frozenset(tags) for ticket_id, tags in found.items()}


def _value(enum_or_none: StrEnum | None) -> str | None:
    return enum_or_none.value if enum_or_none is not None else None


def _build(rows: list, now: datetime) -> list[TicketSnapshot]:
    return build_with_health(rows, now)[0]


def build_with_health(rows: list, now: datetime) -> tuple[list[TicketSnapshot], dict[int, HealthInputs]]:
    """Snapshots of snapshot_query() rows, with the health inputs of their customers."""
    customers = {row.customer_id for row in rows}
    tags = _tags([row.id for row in rows])
    inputs = health_inputs(customers, now)
    ratings = last_csat(customers)
    snapshots = [
        _snapshot(
            row, now, tags.get(row.id, frozenset()), inputs[row.customer_id], ratings.get(row.customer_id)
        )
        for row in rows
    ]
    return snapshots, inputs


def _snapshot(
    row: Any, now: datetime, tags: frozenset[str], inputs: HealthInputs, rating: int | None
) -> TicketSnapshot:
    """The snapshot of a snapshot_query() row, with its tags and its customer's facts."""
    return TicketSnapshot(
        ticket_id=row.id,
        priority=row.priority.value,
        status=row.status.value,
        tier=row.tier,
        channel=row.channel.value,
        category=row.category.value,
        subject=row.subject,
        description=row.description,
        age_hours=max(0.0, (now - row.created_at).total_seconds() / 3600),
        reopen_count=row.reopen_count,
        escalation_count=row.escalation_count,
        tags=tags,
        account_tier=_value(row.account_tier),
        lifecycle_stage=_value(row.lifecycle_stage),
        loyalty_segment=_value(row.loyalty_segment),
        lifetime_value=row.lifetime_value / 100 if row.lifetime_value is not None else None,
        open_ticket_count=inputs.open_tickets,
        sla_breaches_90d=inputs.breaches_90d,
        last_csat=rating,
        health_score=health_score(inputs).score,
        team_id=row.team_id,
        assignee_id=row.assignee_id,
    )


def iter_snapshots(query: Select, now: datetime) -> Iterator[TicketSnapshot]:
    """Snapshots for every row of a snapshot_query(), streamed in chunks."""
    result = db.session.execute(query.execution_options(yield_per=CHUNK_SIZE))
    for chunk in result.partitions():
        yield from _build(list(chunk), now)


def snapshots_of(ticket_ids: Iterable[int], now: datetime) -> list[TicketSnapshot]:
    ids = list(ticket_ids)
    rows = list(db.session.execute(snapshot_query().where(Ticket.id.in_(ids))))
    return _build(rows, now)


def new_ticket_snapshot(
    ticket: Ticket, now: datetime, inputs: HealthInputs, rating: int | None
) -> TicketSnapshot:
    """The snapshot of a ticket being opened, from the loaded ticket and its customer's facts
    (read once for the whole opening): it has no tags yet, and nothing to read back."""
    org = ticket.organization
    return TicketSnapshot(
        ticket_id=ticket.id,
        priority=ticket.priority.value,
        status=ticket.status.value,
        tier=ticket.tier,
        channel=ticket.channel.value,
        category=ticket.category.value,
        subject=ticket.subject,
        description=ticket.description,
        age_hours=max(0.0, (now - ticket.created_at).total_seconds() / 3600),
        reopen_count=ticket.reopen_count or 0,
        escalation_count=ticket.escalation_count or 0,
        tags=frozenset(),
        account_tier=_value(org.account_tier) if org else None,
        lifecycle_stage=_value(org.lifecycle_stage) if org else None,
        loyalty_segment=_value(org.loyalty_segment) if org else None,
        lifetime_value=org.lifetime_value / 100 if org and org.lifetime_value is not None else None,
        open_ticket_count=inputs.open_tickets,
        sla_breaches_90d=inputs.breaches_90d,
        last_csat=rating,
        health_score=health_score(inputs).score,
        team_id=ticket.team_id,
        assignee_id=ticket.assignee_id,
    )


def snapshot_of(ticket: Ticket, now: datetime) -> TicketSnapshot:
    """The snapshot of one ticket as it stands in this transaction: after a flush, its columns,
    tags and customer's facts in one statement (a rule fired on one ticket, as a reply or a
    desk change fires it, costs one read instead of four)."""
    db.session.flush()
    row = db.session.execute(
        _one_snapshot(), {"ticket_id": ticket.id, **fact_parameters(ticket.customer_id, now)}
    ).one()
    inputs, rating = facts_of(row[-len(CUSTOMER_FACT_COLUMNS) :])
    tags = frozenset(row.tags.split(",")) if row.tags else frozenset()
    return _snapshot(row, now, tags, inputs, rating)


@functools.cache
def _one_snapshot() -> Select[Any]:
    """Built once per process: snapshot_query() for the ticket `:ticket_id`, its tags joined by
    commas (a tag has none, see rule_parsing.TAG_PATTERN) and CUSTOMER_FACT_COLUMNS for its
    customer `:customer_id`."""
    tags = (
        select(func.aggregate_strings(TicketTag.tag, ","))
        .where(TicketTag.ticket_id == bindparam("ticket_id"))
        .scalar_subquery()
        .label("tags")
    )
    one = snapshot_query().add_columns(tags, *CUSTOMER_FACT_COLUMNS)
    return one.where(Ticket.id == bindparam("ticket_id"))
