"""The facts behind the report roll-ups: every countable event in a window of time, read from
the history tables through their time indexes, with the ticket's dimensions beside it.

One reader serves the roll-up fold (which counts the facts of whole days) and the drill-down
(which lists the tickets behind one figure), so a figure and its tickets cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from app.domain.business_time import BusinessCalendar, business_minutes_between
from app.domain.reports import duration_bucket
from app.domain.sla_vocabulary import SlaEventKind, SlaTarget
from app.domain.tiers import MAX_TIER
from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import (
    Activity,
    CsatAnswer,
    KbVote,
    Organization,
    SlaClock,
    SlaEvent,
    SlaPolicy,
    Ticket,
    TicketArticle,
    TierChange,
)
from app.services.sla.policies import calendar_for

# The activity kinds the fold counts, with the metric each becomes.
ACTIVITY_METRICS = {
    ActivityKind.ticket_solved.value: "solved",
    ActivityKind.ticket_reopened.value: "reopened",
    ActivityKind.agent_replied.value: "reply",
    ActivityKind.kb_deflected.value: "deflected",
    ActivityKind.touchpoint.value: "touchpoint",
}


@dataclass(frozen=True, slots=True)
class Dims:
    team_id: int = 0
    priority: str = ""
    channel: str = ""
    account_tier: str = ""
    policy_id: int = 0
    assignee_id: int = 0
    organization_id: int = 0


NO_DIMS = Dims()


@dataclass(frozen=True, slots=True)
class Fact:
    metric: str
    at: datetime
    ticket_id: int | None
    tier: int
    key: str
    dims: Dims
    agent_id: int = 0
    value: int = 0

    @property
    def day(self) -> date:
        return self.at.date()

    @property
    def agent(self) -> int:
        """The agent a figure counts for: who acted (a reply, a move), else the ticket's assignee."""
        return self.agent_id or self.dims.assignee_id


def _dim_columns() -> tuple[Any, ...]:
    return (
        Ticket.team_id,
        Ticket.priority,
        Ticket.channel,
        Organization.account_tier,
        Ticket.sla_policy_id,
        Ticket.assignee_id,
        Ticket.organization_id,
    )


def _with_dims(query: Select[Any], ticket_column: Any) -> Select[Any]:
    return query.outerjoin(Ticket, Ticket.id == ticket_column).outerjoin(
        Organization, Organization.id == Ticket.organization_id
    )


def _dims(row: Any, offset: int) -> Dims:
    team, priority, channel, account_tier, policy, assignee, organization = row[offset : offset + 7]
    return Dims(
        team_id=team or 0,
        priority=priority.value if priority is not None else "",
        channel=channel.value if channel is not None else "",
        account_tier=account_tier.value if account_tier is not None else "",
        policy_id=policy or 0,
        assignee_id=assignee or 0,
        organization_id=organization or 0,
    )


def facts_between(start: datetime, end: datetime) -> Iterator[Fact]:
    """Every fact whose time lies in [start, end)."""
    yield from _created(start, end)
    yield from _activities(start, end)
    yield from _tier_moves(start, end)
    yield from _clocks_met(start, end)
    yield from _sla_events(start, end)
    yield from _csat(start, end)
    yield from _kb(start, end)


def _created(start: datetime, end: datetime) -> Iterator[Fact]:
    # The tier a ticket opened at: where its first move started from, else where it is.
    first_move = (
        select(TierChange.from_tier)
        .where(TierChange.ticket_id == Ticket.id)
        .order_by(TierChange.id)
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(Ticket.id, Ticket.created_at, func.coalesce(first_move, Ticket.tier), *_dim_columns())
        .outerjoin(Organization, Organization.id == Ticket.organization_id)
        .where(Ticket.created_at >= start, Ticket.created_at < end)
    )
    for row in db.session.execute(query):
        yield Fact("created", row[1], row[0], row[2], "", _dims(row, 3))


def _activities(start: datetime, end: datetime) -> Iterator[Fact]:
    query = _with_dims(
        select(
            Activity.kind,
            Activity.created_at,
            Activity.ticket_id,
            Activity.actor_id,
            Activity.data,
            Ticket.tier,
            *_dim_columns(),
        ),
        Activity.ticket_id,
    ).where(
        Activity.kind.in_(list(ACTIVITY_METRICS)), Activity.created_at >= start, Activity.created_at < end
    )
    for row in db.session.execute(query):
        kind, at, ticket_id, actor_id, data, tier = row[:6]
        metric, dims, data = ACTIVITY_METRICS[kind], _dims(row, 6), data or {}
        if metric == "reply":
            yield Fact(metric, at, ticket_id, tier or 0, "", dims, agent_id=actor_id or 0)
        elif metric == "deflected":
            key = str(data.get("category") or "")
            article = data.get("article_id")
            yield Fact(metric, at, ticket_id, 0, key, dims)
            if article is not None:
                yield Fact("deflected_article", at, ticket_id, 0, str(article), dims)
        elif metric == "touchpoint":
            yield Fact(metric, at, None, 0, str(data.get("touchpoint") or ""), NO_DIMS)
        else:
            yield Fact(metric, at, ticket_id, tier or 0, "", dims)


def _tier_moves(start: datetime, end: datetime) -> Iterator[Fact]:
    earlier = aliased(TierChange)
    entered = (
        select(func.max(earlier.created_at))
        .where(earlier.ticket_id == TierChange.ticket_id, earlier.id < TierChange.id)
        .scalar_subquery()
    )
    query = _with_dims(
        select(
            TierChange.ticket_id,
            TierChange.created_at,
            TierChange.from_tier,
            TierChange.to_tier,
            TierChange.cause,
            TierChange.reason_code,
            TierChange.rule_name,
            TierChange.actor_id,
            func.coalesce(entered, Ticket.created_at),
            *_dim_columns(),
        ),
        TierChange.ticket_id,
    ).where(TierChange.created_at >= start, TierChange.created_at < end)
    rows = db.session.execute(query).all()
    due = _vendor_due_times([r[0] for r in rows if r[2] == MAX_TIER], end)
    for row in rows:
        ticket_id, at, from_tier, to_tier, cause, code, rule, actor, since = row[:9]
        dims, cause_key, actor_id = _dims(row, 9), cause.value, actor or 0
        yield Fact("tier_in", at, ticket_id, to_tier, cause_key, dims, agent_id=actor_id)
        up = to_tier > from_tier
        yield Fact("tier_up" if up else "tier_down", at, ticket_id, from_tier, cause_key, dims, actor_id)
        if up:
            reason = f"rule: {rule}" if rule else (code.value if code is not None else cause_key)
            yield Fact("esc_reason", at, ticket_id, to_tier, reason[:64], dims)
        dwell = max(0, int((at - since).total_seconds() // 60)) if since is not None else 0
        yield Fact("dwell", at, ticket_id, from_tier, duration_bucket(dwell), dims, value=dwell)
        if from_tier == MAX_TIER:
            promised = _promised(due.get(ticket_id, []), at)
            key = "no target" if promised is None else "on time" if at <= promised else "late"
            yield Fact("vendor_back", at, ticket_id, MAX_TIER, key, dims, value=dwell)


def _vendor_due_times(ticket_ids: list[int], end: datetime) -> dict[int, list[tuple[datetime, datetime]]]:
    """Each ticket's vendor hand-offs and edits: when they were recorded and the due time they set."""
    out: dict[int, list[tuple[datetime, datetime]]] = {}
    for start in range(0, len(ticket_ids), 500):
        query = select(Activity.ticket_id, Activity.created_at, Activity.data).where(
            Activity.ticket_id.in_(ticket_ids[start : start + 500]),
            Activity.kind == ActivityKind.vendor_updated.value,
            Activity.created_at < end,
        )
        for ticket_id, at, data in db.session.execute(query):
            if (data or {}).get("due_at"):
                out.setdefault(ticket_id, []).append((at, datetime.fromisoformat(data["due_at"])))
    return out


def _promised(terms: list[tuple[datetime, datetime]], back_at: datetime) -> datetime | None:
    """The vendor's due time in force when the ticket came back: the last one set before."""
    before = [due for at, due in sorted(terms) if at <= back_at]
    return before[-1] if before else None


def _clocks_met(start: datetime, end: datetime) -> Iterator[Fact]:
    query = _with_dims(
        select(
            SlaClock.ticket_id,
            SlaClock.satisfied_at,
            SlaClock.target,
            SlaClock.tier,
            SlaClock.minutes,
            SlaClock.due_at,
            SlaClock.breached_at,
            *_dim_columns(),
        ),
        SlaClock.ticket_id,
    ).where(SlaClock.satisfied_at >= start, SlaClock.satisfied_at < end)
    calendars: dict[int, BusinessCalendar] = {}
    for row in db.session.execute(query):
        ticket_id, at, target, tier, minutes, due_at, breached_at = row[:7]
        dims = _dims(row, 7)
        if breached_at is None:
            yield Fact("sla_met", at, ticket_id, tier, target.value, dims)
        if target in (SlaTarget.first_response, SlaTarget.resolution) and dims.policy_id:
            calendar = calendars.get(dims.policy_id) or _calendar(dims.policy_id, calendars)
            spent = elapsed_business_minutes(calendar, minutes, at, due_at)
            metric = "frt" if target is SlaTarget.first_response else "ttr"
            yield Fact(metric, at, ticket_id, tier, duration_bucket(spent), dims, value=spent)


def _calendar(policy_id: int, calendars: dict[int, BusinessCalendar]) -> BusinessCalendar:
    calendars[policy_id] = calendar_for(db.session.get_one(SlaPolicy, policy_id))
    return calendars[policy_id]


def elapsed_business_minutes(
    calendar: BusinessCalendar, minutes: int, met_at: datetime, due_at: datetime
) -> int:
    """Business minutes a clock ran before it was met. Its due time already counts every pause
    before it, so the clock spent its target less what was left, or its target and the overrun."""
    if met_at <= due_at:
        return max(0, round(minutes - business_minutes_between(calendar, met_at, due_at)))
    return round(minutes + business_minutes_between(calendar, due_at, met_at))


def _sla_events(start: datetime, end: datetime) -> Iterator[Fact]:
    query = _with_dims(
        select(
            SlaEvent.ticket_id,
            SlaEvent.created_at,
            SlaEvent.kind,
            SlaEvent.target,
            SlaEvent.tier,
            *_dim_columns(),
        ),
        SlaEvent.ticket_id,
    ).where(SlaEvent.created_at >= start, SlaEvent.created_at < end)
    for row in db.session.execute(query):
        ticket_id, at, kind, target, tier = row[:5]
        metric = "sla_breach" if kind is SlaEventKind.breach else "sla_warn"
        yield Fact(metric, at, ticket_id, tier, target.value, _dims(row, 5))


def _csat(start: datetime, end: datetime) -> Iterator[Fact]:
    query = _with_dims(
        select(CsatAnswer.ticket_id, CsatAnswer.created_at, CsatAnswer.rating, Ticket.tier, *_dim_columns()),
        CsatAnswer.ticket_id,
    ).where(CsatAnswer.created_at >= start, CsatAnswer.created_at < end)
    for row in db.session.execute(query):
        ticket_id, at, rating, tier = row[:4]
        dims = _dims(row, 4)
        yield Fact("csat", at, ticket_id, tier or 0, str(rating), dims, value=rating)


def _kb(start: datetime, end: datetime) -> Iterator[Fact]:
    seen = _with_dims(
        select(
            TicketArticle.ticket_id,
            TicketArticle.created_at,
            TicketArticle.kind,
            TicketArticle.article_id,
            *_dim_columns(),
        ),
        TicketArticle.ticket_id,
    ).where(TicketArticle.created_at >= start, TicketArticle.created_at < end)
    for row in db.session.execute(seen):
        ticket_id, at, kind, article_id = row[:4]
        metric = "kb_sent" if kind == "sent" else "kb_seen"
        yield Fact(metric, at, ticket_id, 0, str(article_id), _dims(row, 4))
    votes = select(KbVote.created_at, KbVote.helpful).where(
        KbVote.created_at >= start, KbVote.created_at < end
    )
    for at, helpful in db.session.execute(votes):
        yield Fact("kb_vote", at, None, 0, "helpful" if helpful else "not_helpful", NO_DIMS)
