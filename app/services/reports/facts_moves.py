"""Facts of tier moves: a tier entered, a move up or down, the reason for a climb, the dwell in the
tier left, and a vendor's turnaround against the due time in force when the ticket came back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.domain.reports import duration_bucket
from app.domain.tiers import MAX_TIER
from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import Activity, Ticket, TierChange
from app.services.reports.fact_shape import Fact, dim_columns, dims_of, with_dims


def tier_move_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    earlier = aliased(TierChange)
    entered = (
        select(func.max(earlier.created_at))
        .where(earlier.ticket_id == TierChange.ticket_id, earlier.id < TierChange.id)
        .scalar_subquery()
    )
    query = with_dims(
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
            *dim_columns(),
        ),
        TierChange.ticket_id,
    ).where(TierChange.created_at >= start, TierChange.created_at < end)
    rows = db.session.connection().execute(query).all()
    due = _vendor_due_times([r[0] for r in rows if r[2] == MAX_TIER], end)
    for row in rows:
        ticket_id, at, from_tier, to_tier, cause, code, rule, actor, since = row[:9]
        dims, cause_key, actor_id = dims_of(row, 9), cause.value, actor or 0
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
        for ticket_id, at, data in db.session.connection().execute(query):
            if (data or {}).get("due_at"):
                out.setdefault(ticket_id, []).append((at, datetime.fromisoformat(data["due_at"])))
    return out


def _promised(terms: list[tuple[datetime, datetime]], back_at: datetime) -> datetime | None:
    """The vendor's due time in force when the ticket came back: the last one set before."""
    before = [due for at, due in sorted(terms) if at <= back_at]
    return before[-1] if before else None
