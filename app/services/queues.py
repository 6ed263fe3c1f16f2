"""Reading ticket lists: the desk queues and a customer's own requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import joinedload

from app.domain.errors import InvalidInput, NotAllowed
from app.domain.tiers import MAX_TIER, MIN_TIER, tier_label
from app.domain.vocabulary import ACTIVE_STATUSES, Status
from app.extensions import db
from app.models import Ticket, User
from app.models.types import utcnow
from app.services.access import require_staff
from app.services.pagination import (
    Page,
    decode_cursor,
    decode_rank_cursor,
    encode_cursor,
    encode_rank_cursor,
)
from app.services.queue_filters import ORDERS, QueueFilters, filter_criteria
from app.services.risk_rank import UNRANKED

BREACHING_SOON = timedelta(hours=1)
# Counts stop here so each costs at most this many index entries; the desk shows "999+".
COUNT_CAP = 1000


@dataclass(frozen=True, slots=True)
class Queue:
    key: str
    title: str


def desk_queues() -> list[Queue]:
    """The queues an agent can open: one per tier, then the cross-tier views."""
    tiers = [Queue(f"tier-{t}", tier_label(t)) for t in range(MIN_TIER, MAX_TIER + 1)]
    return [*tiers, Queue("unassigned", "Unassigned"), Queue("mine", "Assigned to me"),
            Queue("team", "My team"), Queue("breaching", "Breaching soon"),
            Queue("waiting", "Waiting on customer")]


def _active() -> ColumnElement[bool]:
    # Solved and closed tickets are UNRANKED: the rank bound keeps the read inside the active part
    # of each risk index; the status test keeps it right on its own.
    return and_(Ticket.status.in_(ACTIVE_STATUSES), Ticket.risk_score > UNRANKED)


def _queue_filter(key: str, actor: User) -> ColumnElement[bool]:
    if key.startswith("tier-") and key[5:].isdigit():
        tier = int(key[5:])
        if MIN_TIER <= tier <= MAX_TIER:
            return and_(Ticket.tier == tier, _active())
    if key == "unassigned":
        return and_(Ticket.assignee_id.is_(None), _active())
    if key == "mine":
        return and_(Ticket.assignee_id == actor.id, _active())
    if key == "team":
        return and_(Ticket.team_id == actor.team_id, _active()) if actor.team_id else false()
    if key == "breaching":
        # The indexed next-check time: a target warns or falls due within the hour.
        return and_(Ticket.sla_next_check_at <= utcnow() + BREACHING_SOON, _active())
    if key == "waiting":
        return and_(Ticket.status == Status.pending, Ticket.risk_score > UNRANKED)
    raise InvalidInput(f"No queue called '{key}'.", field="queue")


def _fetch(query: Select, size: int) -> tuple[list[Ticket], bool]:
    rows = list(db.session.scalars(query.limit(size + 1)).unique())
    return rows[:size], len(rows) > size


def _risk_page(query: Select, after: str | None, size: int) -> Page[Ticket]:
    if after:
        score, row_id = decode_rank_cursor(after)
        # The first bound is a plain range on the index; the second settles ties by id.
        query = query.where(Ticket.risk_score <= score,
                            or_(Ticket.risk_score < score, Ticket.id < row_id))
    rows, more = _fetch(query.order_by(Ticket.risk_score.desc(), Ticket.id.desc()), size)
    cursor = encode_rank_cursor(rows[-1].risk_score, rows[-1].id) if more else None
    return Page(items=rows, next_cursor=cursor)


def _page(query: Select, order: str, after: str | None, size: int) -> Page[Ticket]:
    if order == "risk":
        return _risk_page(query, after, size)
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
    rows, more = _fetch(query, size)
    cursor = encode_cursor(rows[-1].created_at, rows[-1].id) if more else None
    return Page(items=rows, next_cursor=cursor)


def _with_list_columns(query: Select) -> Select:
    return query.options(
        joinedload(Ticket.customer),
        joinedload(Ticket.organization),
        joinedload(Ticket.assignee),
    )


def queue_page(
    actor: User, key: str, filters: QueueFilters | None = None, *, after: str | None = None,
    size: int = 25,
) -> Page[Ticket]:
    """One page of a desk queue with its filters, riskiest first unless asked otherwise."""
    require_staff(actor)
    filters = filters or QueueFilters()
    query = select(Ticket).where(_queue_filter(key, actor), *filter_criteria(filters))
    return _page(_with_list_columns(query), filters.order, after, size)


def queue_counts(actor: User) -> dict[str, int]:
    """Active tickets per desk queue, each count stopping at COUNT_CAP."""
    require_staff(actor)
    counts = {}
    for queue in desk_queues():
        capped = select(Ticket.id).where(_queue_filter(queue.key, actor)).limit(COUNT_CAP)
        counts[queue.key] = db.session.scalar(
            select(func.count()).select_from(capped.subquery())) or 0
    return counts


def count_label(count: int) -> str:
    return f"{COUNT_CAP - 1}+" if count >= COUNT_CAP else str(count)


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
