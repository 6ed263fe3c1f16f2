"""The desk queues: which tickets each holds, a page of one in its order, and every queue's count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import ColumnElement, Label, Select, and_, bindparam, false, func, select
from sqlalchemy.orm import joinedload

from app.domain.errors import InvalidInput
from app.domain.ids import is_digits
from app.domain.tiers import MAX_TIER, MIN_TIER, tier_label
from app.domain.vocabulary import ACTIVE_STATUSES, Status
from app.extensions import db
from app.models import Ticket, User
from app.models.types import UTCDateTime, utcnow
from app.services.common.access import require_staff
from app.services.common.pagination import Page, encode_rank_cursor
from app.services.common.planner import NotIndexed, Rare
from app.services.queues.filters import QueueFilters, filter_criteria
from app.services.queues.paging import ids_by_status, ids_by_status_params, ticket_page
from app.services.relationship.risk_rank import UNRANKED

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
    return [
        *tiers,
        Queue("unassigned", "Unassigned"),
        Queue("mine", "Assigned to me"),
        Queue("team", "My team"),
        Queue("breaching", "Breaching soon"),
        Queue("waiting", "Waiting on customer"),
    ]


def _active(ranked: bool, status: Status | None = None) -> ColumnElement[bool]:
    if ranked:
        # Solved and closed tickets are UNRANKED: the rank bound keeps a risk-order read inside
        # the active part of its (…, risk_score, id) index. The status test is checked on the
        # rows that index finds (`NotIndexed`): without statistics SQLite would rather take a
        # (…, status, created_at) index for it and sort the whole queue by risk.
        active = NotIndexed(Ticket.__table__.c.status).in_(ACTIVE_STATUSES)
        return and_(active, Ticket.risk_score > UNRANKED)
    # Counts and creation-order reads stay within (…, status, …) indexes.
    return Ticket.status.in_(ACTIVE_STATUSES) if status is None else Ticket.status == status


def _queue_filter(
    key: str, *, ranked: bool = True, has_team: bool = True, status: Status | None = None
) -> ColumnElement[bool]:
    """A queue's condition; the actor and the time are bound parameters (see `_params`), so a
    statement built once serves every agent (one for agents in a team, one for the others).
    With `status`, the tier and person queues hold only that one active status."""
    if key.startswith("tier-") and is_digits(key[5:]):
        tier = int(key[5:])
        if MIN_TIER <= tier <= MAX_TIER:
            return and_(Ticket.tier == tier, _active(ranked, status))
    if key == "unassigned":
        return and_(Ticket.assignee_id.is_(None), _active(ranked, status))
    if key == "mine":
        return and_(Ticket.assignee_id == bindparam("actor_id"), _active(ranked, status))
    if key == "team":
        if not has_team:
            return false()
        return and_(Ticket.team_id == bindparam("team_id"), _active(ranked, status))
    if key == "breaching":
        # The indexed next-check time: a target warns or falls due within the hour. Few tickets
        # are, so they are read by that index and sorted; a rank bound would lead the planner
        # to a risk index instead and a walk over every active ticket.
        # `NotIndexed`: on a database without statistics, SQLite would otherwise take the status
        # index for the count and walk every active ticket.
        # `Rare`: with the app's sampled statistics SQLite would otherwise guess that a quarter
        # of all tickets are due and count them by a scan of the whole table.
        soon = Rare(Ticket.sla_next_check_at <= bindparam("soon", type_=UTCDateTime()))
        return and_(soon, NotIndexed(Ticket.__table__.c.status).in_(ACTIVE_STATUSES))
    if key == "waiting":
        pending = Ticket.status == Status.pending
        return and_(pending, Ticket.risk_score > UNRANKED) if ranked else pending
    raise InvalidInput(f"No queue called '{key}'.", field="queue")


def _params(actor: User) -> dict[str, object]:
    return {"actor_id": actor.id, "team_id": actor.team_id, "soon": utcnow() + BREACHING_SOON}


def _statuses(key: str, filters: QueueFilters) -> tuple[Status, ...] | None:
    """The statuses a queue read in creation order is split by, or None when it is not split."""
    if key == "breaching":
        return None  # few tickets, read by their time index and sorted
    if filters.status is not None:
        return (filters.status,)
    return (Status.pending,) if key == "waiting" else ACTIVE_STATUSES


def _created_order_page(
    actor: User, key: str, filters: QueueFilters, after: str | None, size: int, statuses: tuple[Status, ...]
) -> Page[Ticket]:
    """A queue in creation order, read one active status at a time (see `ids_by_status`)."""
    has_team = actor.team_id is not None
    criteria = filter_criteria(filters)

    def part(status: Status) -> list[ColumnElement[bool]]:
        return [_queue_filter(key, ranked=False, has_team=has_team, status=status), *criteria]

    ids = ids_by_status(part, statuses, filters.order == "newest", bool(after))
    query = select(Ticket).where(ids)
    params = {**_params(actor), **ids_by_status_params(after, size)}
    return ticket_page(_with_list_columns(query), filters.order, after, size, params)


def _with_list_columns(query: Select) -> Select:
    return query.options(
        joinedload(Ticket.customer),
        joinedload(Ticket.organization),
        joinedload(Ticket.assignee),
        joinedload(Ticket.vendor),
    )


def queue_page(
    actor: User,
    key: str,
    filters: QueueFilters | None = None,
    *,
    after: str | None = None,
    size: int = 25,
) -> Page[Ticket]:
    """One page of a desk queue with its filters, riskiest first unless asked otherwise."""
    require_staff(actor)
    filters = filters or QueueFilters()
    statuses = _statuses(key, filters) if filters.order != "risk" else None
    if statuses is not None:
        _queue_filter(key)  # an unknown queue is refused before anything is read
        return _created_order_page(actor, key, filters, after, size, statuses)
    query = select(Ticket).where(
        _queue_filter(key, has_team=actor.team_id is not None), *filter_criteria(filters)
    )
    if key == "breaching":
        query = _soonest_due(query)
    return ticket_page(_with_list_columns(query), filters.order, after, size, _params(actor))


def _soonest_due(query: Select) -> Select:
    """Breaching soon sorts at most the COUNT_CAP soonest due of its tickets: all of them while
    fewer are due (its count shows each one), the first due when more are (the count says
    "999+"). Sorting every due ticket would grow with the desk: thousands at a million tickets."""
    due = Ticket.sla_next_check_at
    soonest = query.with_only_columns(Ticket.id).order_by(due, Ticket.id).limit(COUNT_CAP).subquery()
    return select(Ticket).join(soonest, Ticket.id == soonest.c.id)


@cache
def _counts_statement(cap: int, has_team: bool) -> Select:
    """One statement for every queue's capped count, built once."""

    def capped(key: str) -> Label[int]:
        condition = _queue_filter(key, ranked=False, has_team=has_team)
        rows = select(Ticket.id).where(condition).limit(cap).subquery()
        return select(func.count()).select_from(rows).scalar_subquery().label(key.replace("-", "_"))

    return select(*(capped(q.key) for q in desk_queues()))


def queue_counts(actor: User) -> dict[str, int]:
    """Active tickets per desk queue, each count stopping at COUNT_CAP, in one round trip."""
    require_staff(actor)
    statement = _counts_statement(COUNT_CAP, actor.team_id is not None)
    row = db.session.execute(statement, _params(actor)).one()
    return {q.key: int(n or 0) for q, n in zip(desk_queues(), row, strict=True)}


def count_label(count: int) -> str:
    return f"{COUNT_CAP - 1}+" if count >= COUNT_CAP else str(count)


def next_in_queue(actor: User, ticket: Ticket) -> Ticket | None:
    """The ticket after this one in its tier's queue (riskiest first), for "next ticket". A
    ticket above the agent's tier (they have just escalated it) leads back to the top of their
    own tier's queue: that is where they carry on."""
    own = actor.as_actor().working_tier
    if ticket.tier > own:
        page = queue_page(actor, f"tier-{own}", size=1)
    else:
        after = encode_rank_cursor(ticket.risk_score, ticket.id)
        page = queue_page(actor, f"tier-{ticket.tier}", after=after, size=1)
    return page.items[0] if page.items else None
