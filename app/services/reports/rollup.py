"""Keeping the daily roll-ups: fold whole days of facts into counts, after new history arrives
(the scheduler's job) or from the whole history at once (`flask --app wsgi reports rebuild`).

Both paths use one function, `fold_days`, which replaces the roll-up rows of a span of days with
a fresh count of that span's facts, so the job and the rebuild cannot drift apart. The job finds
the days to fold from the activity rows written since its watermark (every change to a ticket
writes one), always adding yesterday and today: a row committed late, with an id below the
watermark, still lands in a day that is folded again. Its work grows with the new events and the
size of those days, never with the history stored.

A figure is filed under the ticket's current tier, team, priority, channel, account tier, policy,
assignee and organization. A change to a ticket may refile its earlier figures, so the job also folds again
every day since the oldest touched ticket was opened, up to REFILE_DAYS back; figures older than
that keep their filing until a rebuild.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Insert, delete, func, insert, literal, select

from app.extensions import db
from app.models import Activity, ReportRollup, ReportWatermark, Ticket
from app.models.types import utcnow
from app.services.common.many_rows import execute_many
from app.services.common.rows import rows_matched
from app.services.common.transaction import transaction
from app.services.reports.facts import Fact, facts_between

WATERMARK = "activities"
REBUILD_CHUNK_DAYS = 7
REFILE_DAYS = 14

Cell = tuple[date, str, int, int, str, str, str, int, int, int, str]


@dataclass(frozen=True, slots=True)
class FoldSummary:
    days: int
    rows: int

    def as_dict(self) -> dict[str, int]:
        return {"days": self.days, "rows": self.rows}


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def cell_of(fact: Fact) -> Cell:
    d = fact.dims
    return (
        fact.day,
        fact.metric,
        fact.tier,
        d.team_id,
        d.priority,
        d.channel,
        d.account_tier,
        d.policy_id,
        fact.agent,
        d.organization_id,
        fact.key,
    )


CELL_FIELDS = (
    "day",
    "metric",
    "tier",
    "team_id",
    "priority",
    "channel",
    "account_tier",
    "policy_id",
    "agent_id",
    "organization_id",
    "key",
)


def count_facts(start: date, end: date) -> dict[Cell, list[int]]:
    """Count and sum the facts of the days [start, end] per cell (a recount, written nowhere)."""
    cells: dict[Cell, list[int]] = defaultdict(lambda: [0, 0])
    for fact in facts_between(day_start(start), day_start(end + timedelta(days=1))):
        cell = cells[cell_of(fact)]
        cell[0] += 1
        cell[1] += fact.value
    return cells


# Each grain's kept dimensions; the others are summed away (0 or '').
GRAIN_COLUMNS: dict[str, tuple[str, ...]] = {
    "all": (),
    "team": ("team_id",),
    "priority": ("priority",),
    "channel": ("channel",),
    "account_tier": ("account_tier",),
    "policy": ("policy_id",),
    "agent": ("agent_id",),
    "organization": ("organization_id",),
}
DIMENSIONS = ("team_id", "priority", "channel", "account_tier", "policy_id", "agent_id", "organization_id")
TEXT_DIMENSIONS = frozenset(("priority", "channel", "account_tier"))


def _grain_rows(grain: str, start: date, end: date) -> Insert:
    """INSERT … SELECT: one grain's rows of the days [start, end], summed from their detail rows."""
    t = ReportRollup.__table__
    kept = GRAIN_COLUMNS[grain]
    dims = [
        t.c[name] if name in kept else literal("" if name in TEXT_DIMENSIONS else 0, t.c[name].type)
        for name in DIMENSIONS
    ]
    group = [t.c.day, t.c.metric, t.c.tier, t.c.key, *(t.c[name] for name in kept)]
    summed = (
        select(
            t.c.day,
            literal(grain, t.c.grain.type),
            t.c.metric,
            t.c.tier,
            *dims,
            t.c.key,
            func.sum(t.c.count),
            func.sum(t.c.total),
        )
        .where(t.c.grain == "detail", t.c.day >= start, t.c.day <= end)
        .group_by(*group)
    )
    names = ["day", "grain", "metric", "tier", *DIMENSIONS, "key", "count", "total"]
    return insert(t).from_select(names, summed)


def fold_days(start: date, end: date) -> int:
    """Replace the roll-ups of the days [start, end] with a fresh count (inside the caller's
    transaction); the number of rows written. The detail rows are counted here; every other grain
    is summed from them by the database."""
    cells = count_facts(start, end)
    db.session.execute(delete(ReportRollup).where(ReportRollup.day >= start, ReportRollup.day <= end))
    detail = [
        {**dict(zip(CELL_FIELDS, cell, strict=True)), "grain": "detail", "count": count, "total": total}
        for cell, (count, total) in cells.items()
    ]
    execute_many(ReportRollup.__table__.insert(), detail)
    written = len(detail)
    for grain in GRAIN_COLUMNS:
        written += rows_matched(db.session.execute(_grain_rows(grain, start, end)))
    return written


def _history_span() -> tuple[date, date] | None:
    first_ticket, first_event = db.session.execute(
        select(
            select(func.min(Ticket.created_at)).scalar_subquery(),
            select(func.min(Activity.created_at)).scalar_subquery(),
        )
    ).one()
    firsts = [t for t in (first_ticket, first_event) if t is not None]
    if not firsts:
        return None
    return min(firsts).date(), utcnow().date()


def rebuild_rollups() -> FoldSummary:
    """Recount every day of the history, a week per transaction; the watermark moves to the end."""
    with transaction():
        top = db.session.scalar(select(func.max(Activity.id))) or 0
        db.session.execute(delete(ReportRollup))
    span = _history_span()
    written, days = 0, 0
    if span is not None:
        start, last = span
        while start <= last:
            end = min(last, start + timedelta(days=REBUILD_CHUNK_DAYS - 1))
            with transaction():
                written += fold_days(start, end)
            days += (end - start).days + 1
            start = end + timedelta(days=1)
    with transaction():
        _set_watermark(top)
    return FoldSummary(days, written)


def fold_new_history(now: datetime | None = None) -> FoldSummary:
    """Fold the days that history written since the watermark touched, and yesterday and today."""
    now = now or utcnow()
    if db.session.get(ReportWatermark, WATERMARK) is None:
        return rebuild_rollups()  # the first fold counts the whole history, a week at a time
    with transaction():
        mark = db.session.get(ReportWatermark, WATERMARK)
        since = mark.last_id if mark is not None else 0
        top, first, last = db.session.execute(
            select(func.max(Activity.id), func.min(Activity.created_at), func.max(Activity.created_at)).where(
                Activity.id > since
            )
        ).one()
        opened = db.session.scalar(
            select(func.min(Ticket.created_at)).where(
                Ticket.id.in_(select(Activity.ticket_id).where(Activity.id > since).distinct())
            )
        )
        today = now.date()
        start = min(today - timedelta(days=1), first.date() if first is not None else today)
        if opened is not None:
            start = min(start, max(opened.date(), today - timedelta(days=REFILE_DAYS)))
        end = max(today, last.date() if last is not None else today)
        written = 0
        day = start
        while day <= end:  # a week at a time keeps each count in memory small
            chunk_end = min(end, day + timedelta(days=REBUILD_CHUNK_DAYS - 1))
            written += fold_days(day, chunk_end)
            day = chunk_end + timedelta(days=1)
        _set_watermark(max(top or 0, since))
    return FoldSummary((end - start).days + 1, written)


def _set_watermark(last_id: int) -> None:
    mark = db.session.get(ReportWatermark, WATERMARK)
    if mark is None:
        db.session.add(ReportWatermark(name=WATERMARK, last_id=last_id, folded_at=utcnow()))
    else:
        mark.last_id, mark.folded_at = last_id, utcnow()


def watermark_time() -> datetime | None:
    """When the roll-ups last folded new history (None before the first fold)."""
    mark = db.session.get(ReportWatermark, WATERMARK)
    return mark.folded_at if mark is not None else None
