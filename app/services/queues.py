"""Reading ticket lists: the desk queues and a customer's own requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.orm import joinedload

from app.domain.errors import InvalidInput, NotAllowed
from app.domain.tiers import MAX_TIER, MIN_TIER, tier_label
from app.domain.vocabulary import ACTIVE_STATUSES, Status
from app.extensions import db
from app.models import Ticket, User
from app.models.types import utcnow
from app.services.access import require_staff
from app.services.pagination import Page, decode_cursor, encode_cursor

ORDERS = ("newest", "oldest")


@dataclass(frozen=True, slots=True)
class Queue:
    key: str
    title: str


BREACHING_SOON = timedelta(hours=1)


def desk_queues() -> list[Queue]:
    """The queues an agent can open: one per tier, then the cross-tier views."""
    tiers = [Queue(f"tier-{t}", tier_label(t)) for t in range(MIN_TIER, MAX_TIER + 1)]
    return [*tiers, Queue("unassigned", "Unassigned"), Queue("mine", "Assigned to me"),
            Queue("team", "My team"), Queue("breaching", "Breaching soon"),
            Queue("waiting", "Waiting on customer")]


def _queue_filter(key: str, actor: User):
    active = Ticket.status.in_(ACTIVE_STATUSES)
    if key.startswith("tier-") and key[5:].isdigit():
        tier = int(key[5:])
        if MIN_TIER <= tier <= MAX_TIER:
            return and_(Ticket.tier == tier, active)
    if key == "unassigned":
        return and_(Ticket.assignee_id.is_(None), active)
    if key == "mine":
        return and_(Ticket.assignee_id == actor.id, active)
    if key == "team":
        return and_(Ticket.team_id == actor.team_id, active) if actor.team_id else false()
    if key == "breaching":
        # The indexed next-check time: a target warns or falls due within the hour.
        return and_(Ticket.sla_next_check_at <= utcnow() + BREACHING_SOON, active)
    if key == "waiting":
        return Ticket.status == Status.pending
    raise InvalidInput(f"No queue called '{key}'.", field="queue")


def _page(query: Select, order: str, after: str | None, size: int) -> Page[Ticket]:
    if order not in ORDERS:
        raise InvalidInput("Order is newest or oldest.", field="order")
    newest = order == "newest"
    if after:
        created, row_id = decode_cursor(after)
        if newest:
            query = query.where(
                or_(Ticket.created_at < created,
                    and_(Ticket.created_at == created, Ticket.id < row_id))
            )
        else:
            query = query.where(
                or_(Ticket.created_at > created,
                    and_(Ticket.created_at == created, Ticket.id > row_id))
            )
    if newest:
        query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
    else:
        query = query.order_by(Ticket.created_at.asc(), Ticket.id.asc())
    rows = list(db.session.scalars(query.limit(size + 1)).unique())
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id)
    return Page(items=rows, next_cursor=next_cursor)


def _with_list_columns(query: Select) -> Select:
    return query.options(
        joinedload(Ticket.customer),
        joinedload(Ticket.organization),
        joinedload(Ticket.assignee),
        joinedload(Ticket.vendor),
    )


def queue_page(
    actor: User, key: str, *, order: str = "newest", after: str | None = None, size: int = 25
) -> Page[Ticket]:
    """One page of a desk queue, newest or oldest first."""
    require_staff(actor)
    query = _with_list_columns(select(Ticket).where(_queue_filter(key, actor)))
    return _page(query, order, after, size)


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
        return _page(query, "newest", after, size)
    if not customer.is_org_admin or customer.organization_id is None:
        raise NotAllowed("Only an organization admin can see the whole organization's requests.")
    query = select(Ticket).where(Ticket.organization_id == customer.organization_id).options(
        joinedload(Ticket.customer))
    return _page(query, "newest", after, size)


def next_in_queue(actor: User, ticket: Ticket) -> Ticket | None:
    """The ticket after this one in its tier's queue (newest first), for "next ticket"."""
    after = encode_cursor(ticket.created_at, ticket.id)
    page = queue_page(actor, f"tier-{ticket.tier}", after=after, size=1)
    return page.items[0] if page.items else None
