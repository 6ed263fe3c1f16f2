"""What the SLA sweep reads for a batch: the due tickets, the names its notices quote and, when
rules may fire, what the rules read, each in a fixed number of queries (the running clocks are
read by sweep.batch)."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import and_, or_, select
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import Customer, Organization, Team, Ticket, User
from app.services.common.row_batch import RowBatch
from app.services.sweep.rule_snapshots import BatchSnapshots

# The rows a due ticket is handed whole (see _attach).
Related = TypeVar("Related", Customer, Organization, Team, User)


def due_batch(now: datetime, after: tuple[datetime, int] | None, size: int) -> list[Ticket]:
    """The next due tickets in (next check, id) order, so the read follows the index."""
    query = select(Ticket).where(Ticket.sla_next_check_at <= now)
    if after is not None:
        at, ticket_id = after
        query = query.where(
            or_(Ticket.sla_next_check_at > at, and_(Ticket.sla_next_check_at == at, Ticket.id > ticket_id))
        )
    query = query.order_by(Ticket.sla_next_check_at, Ticket.id).limit(size)
    if db.engine.dialect.name == "postgresql":
        # Rows another sweep is working on are skipped, not waited for.
        query = query.with_for_update(skip_locked=True, of=Ticket)
    tickets = list(db.session.scalars(query))
    # Who holds a ticket decides where it goes when it moves; the customer and organization
    # are needed only by name (see names_of), cheaper than loading them whole.
    _attach(tickets, "assignee", User, "assignee_id")
    _attach(tickets, "team", Team, "team_id")
    return tickets


def names_of(ticket_ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """Each ticket's customer name and organization name (None without one)."""
    rows = db.session.execute(
        select(Ticket.id, Customer.name, Organization.name)
        .join(Customer, Ticket.customer_id == Customer.id)
        .outerjoin(Organization, Ticket.organization_id == Organization.id)
        .where(Ticket.id.in_(ticket_ids))
    )
    return {ticket_id: (customer, organization) for ticket_id, customer, organization in rows}


def _attach(tickets: list[Ticket], relation: str, model: type[Related], foreign_key: str) -> None:
    """Hand each ticket the row its `foreign_key` names (None for none) as its `relation`,
    the rows read in one query and nothing read when no ticket names one."""
    ids = {getattr(ticket, foreign_key) for ticket in tickets} - {None}
    rows: dict[int, Related] = {}
    if ids:
        rows = {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}
    for ticket in tickets:
        set_committed_value(ticket, relation, rows.get(getattr(ticket, foreign_key)))


def read_for_rules(tickets: list[Ticket], now: datetime, pending: RowBatch) -> BatchSnapshots:
    """What the batch's rules read: the tickets' snapshots (kept current from `pending`, the
    batch's collected history rows) and the customers and organizations their notices quote."""
    # A rule's notice quotes them, and would otherwise read them one ticket at a time.
    _attach(tickets, "customer", Customer, "customer_id")
    _attach(tickets, "organization", Organization, "organization_id")
    return BatchSnapshots.load([ticket.id for ticket in tickets], now, pending)
