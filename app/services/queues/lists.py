"""Reading ticket lists outside the desk queues: a customer's own requests, and the API's list."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.orm import joinedload

from app.domain.errors import NotAllowed
from app.domain.vocabulary import Status
from app.models import Ticket, TicketTag, User
from app.services.common.pagination import Page
from app.services.queues.paging import ids_by_status, ids_by_status_params, ticket_page


def customer_tickets(
    actor: User, *, after: str | None = None, size: int = 25, organization_wide: bool = False
) -> Page[Ticket]:
    """A customer's own requests, newest first; an organization admin may ask for all of the
    organization's requests."""
    customer = actor.customer
    if customer is None:
        raise NotAllowed("This account has no customer profile.")
    if not organization_wide:
        query = select(Ticket).where(Ticket.customer_id == customer.id)
        return ticket_page(query, "newest", after, size)
    if not customer.is_org_admin or customer.organization_id is None:
        raise NotAllowed("Only an organization admin can see the whole organization's requests.")
    query = (
        select(Ticket)
        .where(Ticket.organization_id == customer.organization_id)
        .options(joinedload(Ticket.customer))
    )
    return ticket_page(query, "newest", after, size)


# What only the desk narrows by: a customer reads their requests in the portal's words.
DESK_FILTERS = ("status", "tier", "assignee_id", "tag")


# The list's filters that compare a column with the value given.
_COLUMNS = {
    "status": Ticket.status,
    "priority": Ticket.priority,
    "tier": Ticket.tier,
    "assignee_id": Ticket.assignee_id,
    "customer_id": Ticket.customer_id,
    "organization_id": Ticket.organization_id,
}


@dataclass(frozen=True, slots=True)
class TicketListFilters:
    """What an API client may narrow a ticket list by (each one optional)."""

    status: Status | None = None
    priority: str | None = None
    tier: int | None = None
    assignee_id: int | None = None
    customer_id: int | None = None
    organization_id: int | None = None
    tag: str | None = None


def ticket_list(
    actor: User, filters: TicketListFilters, *, after: str | None = None, size: int = 50
) -> Page[Ticket]:
    """Tickets this person may see, newest first, by keyset over (created_at, id): staff see
    every ticket, a customer their own requests (an organization admin the organization's)."""
    criteria: list[ColumnElement[bool]] = []
    if not actor.is_staff:
        customer = actor.customer
        if customer is None:
            raise NotAllowed("This account has no customer profile.")
        if customer.is_org_admin and customer.organization_id is not None:
            criteria.append(Ticket.organization_id == customer.organization_id)
        else:
            criteria.append(Ticket.customer_id == customer.id)
        for name in DESK_FILTERS:
            if getattr(filters, name) is not None:
                raise NotAllowed(f"Only support staff can narrow the list by {name.replace('_', ' ')}.")
    named = {name: getattr(filters, name) for name in _COLUMNS if getattr(filters, name) is not None}
    tag = filters.tag.strip().lower() if filters.tag is not None else None
    if filters.status is None and (filters.tier is not None or filters.assignee_id is not None):
        # A tier's or a person's tickets are read a status at a time from the queue indexes
        # (tier or assignee, status, created_at, id): an index of their own in creation order
        # would cost every opening a page written, for a list the queues' indexes serve too.
        ids = _by_status(tuple(named), tag is not None, bool(after))
        params = {**named, **ids_by_status_params(after, size)}
        if tag is not None:
            params["tag"] = tag
        return ticket_page(select(Ticket).where(ids), "newest", after, size, params)
    if tag is not None:
        criteria.append(Ticket.id.in_(select(TicketTag.ticket_id).where(TicketTag.tag == tag)))
    criteria.extend(_COLUMNS[name] == value for name, value in named.items())
    return ticket_page(select(Ticket).where(*criteria), "newest", after, size)


@cache
def _by_status(names: tuple[str, ...], tagged: bool, paged: bool) -> ColumnElement[bool]:
    """The staff list's page of ids read a status at a time, for one combination of filters:
    built once (its many subqueries cost more to build than to run), the values bound per page."""
    criteria = [_COLUMNS[name] == bindparam(name) for name in names]
    if tagged:
        criteria.append(Ticket.id.in_(select(TicketTag.ticket_id).where(TicketTag.tag == bindparam("tag"))))
    return ids_by_status(lambda status: [*criteria, Ticket.status == status], Status, True, paged)
