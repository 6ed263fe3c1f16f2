"""What the SLA sweep reads for a batch: the due tickets, the names its notices quote and, when
rules may fire, what the rules read, each in a fixed number of queries (the running clocks are
read by sweep.batch)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import Customer, Organization, Ticket
from app.services.common.row_batch import RowBatch
from app.services.sweep.rule_snapshots import BatchSnapshots


def due_batch(now: datetime, after: tuple[datetime, int] | None, size: int) -> list[Ticket]:
    """The next due tickets in (next check, id) order, so the read follows the index."""
    query = select(Ticket).where(Ticket.sla_next_check_at <= now)
    if after is not None:
        at, ticket_id = after
        query = query.where(
            or_(Ticket.sla_next_check_at > at, and_(Ticket.sla_next_check_at == at, Ticket.id > ticket_id))
        )
    # Who holds a ticket decides where it goes when it moves; the customer and organization
    # are needed only by name (see names_of), cheaper than loading them whole.
    query = (
        query.order_by(Ticket.sla_next_check_at, Ticket.id)
        .limit(size)
        .options(
            selectinload(Ticket.assignee),
            selectinload(Ticket.team),
        )
    )
    if db.engine.dialect.name == "postgresql":
        # Rows another sweep is working on are skipped, not waited for.
        query = query.with_for_update(skip_locked=True, of=Ticket)
    return list(db.session.scalars(query))


def names_of(ticket_ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """Each ticket's customer name and organization name (None without one)."""
    rows = db.session.execute(
        select(Ticket.id, Customer.name, Organization.name)
        .join(Customer, Ticket.customer_id == Customer.id)
        .outerjoin(Organization, Ticket.organization_id == Organization.id)
        .where(Ticket.id.in_(ticket_ids))
    )
    return {ticket_id: (customer, organization) for ticket_id, customer, organization in rows}


def _load_parties(tickets: list[Ticket]) -> None:
    """Hand each ticket its customer and organization, read in two queries: a rule's notice
    quotes them, and would otherwise read them one ticket at a time."""
    customers = db.session.scalars(select(Customer).where(Customer.id.in_({t.customer_id for t in tickets})))
    by_id = {customer.id: customer for customer in customers}
    organization_ids = {t.organization_id for t in tickets} - {None}
    organizations: dict[int | None, Organization] = {
        o.id: o for o in db.session.scalars(select(Organization).where(Organization.id.in_(organization_ids)))
    }
    for ticket in tickets:
        set_committed_value(ticket, "customer", by_id[ticket.customer_id])
        set_committed_value(ticket, "organization", organizations.get(ticket.organization_id))


def read_for_rules(tickets: list[Ticket], now: datetime, pending: RowBatch) -> BatchSnapshots:
    """What the batch's rules read: the tickets' snapshots (kept current from `pending`, the
    batch's collected history rows) and the customers and organizations their notices quote."""
    _load_parties(tickets)
    return BatchSnapshots.load([ticket.id for ticket in tickets], now, pending)
