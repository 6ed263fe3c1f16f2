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

Days are the desk's reporting timezone's (`zone.py`): a day runs from its local midnight to the
next. The watermark keeps the zone the stored roll-ups were counted in; when the setting names
another, the next fold recounts every day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select

from app.domain.errors import Conflict
from app.domain.report_days import DayCuts, local_day
from app.extensions import db
from app.models import Activity, ReportRollup, ReportWatermark, Ticket
from app.models.types import utcnow
from app.services.common.transaction import transaction
from app.services.reports.facts import Fact, facts_between, worked_facts_between
from app.services.reports.facts_grouped import plain_fact_counts
from app.services.reports.rollup_write import (
    drop_read_indexes,
    large_cache,
    restore_read_indexes,
    write_cells,
)
from app.services.reports.zone import WATERMARK, counted_zone, report_zone

REBUILD_CHUNK_DAYS = 7
REFILE_DAYS = 14
REBUILDING = "rebuilding"
REBUILD_STALE = timedelta(hours=2)

Cell = tuple[date, str, int, int, str, str, str, int, int, int, str]


@dataclass(frozen=True, slots=True)
class FoldSummary:
    days: int
    rows: int

    def as_dict(self) -> dict[str, int]:
        return {"days": self.days, "rows": self.rows}


def cell_of(fact: Fact, day: date) -> Cell:
    d = fact.dims
    return (
        day,
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


def count_facts(start: date, end: date, zone: ZoneInfo) -> dict[Cell, list[int]]:
    """Count and sum every fact of the days [start, end] of `zone` per cell, one by one in Python
    (a recount, written nowhere: what the fold's detail rows must equal)."""
    cuts = DayCuts(start, end, zone)
    return _count(facts_between(cuts.begins, cuts.ends), cuts)


def _count(facts: Iterable[Fact], cuts: DayCuts) -> dict[Cell, list[int]]:
    cells: dict[Cell, list[int]] = defaultdict(lambda: [0, 0])
    day_of = cuts.day_of
    for fact in facts:
        cell = cells[cell_of(fact, day_of(fact.at))]
        cell[0] += 1
        cell[1] += fact.value
    return cells


def fold_days(start: date, end: date, zone: ZoneInfo, *, replace: bool = True) -> int:
    """Replace the roll-ups of the days [start, end] of `zone` with a fresh count (inside the
    caller's transaction); the number of rows written. The database counts the plain facts and
    Python the worked ones into detail cells; every other grain is summed from those by the
    database. `replace=False`: the days hold no rows yet (a rebuild)."""
    cuts = DayCuts(start, end, zone)
    cells = _count(worked_facts_between(cuts.begins, cuts.ends), cuts)
    if replace:
        db.session.execute(delete(ReportRollup).where(ReportRollup.day >= start, ReportRollup.day <= end))
    return write_cells(cells, plain_fact_counts(cuts))


def _history_span(zone: ZoneInfo) -> tuple[date, date] | None:
    first_ticket, first_event = db.session.execute(
        select(
            select(func.min(Ticket.created_at)).scalar_subquery(),
            select(func.min(Activity.created_at)).scalar_subquery(),
        )
    ).one()
    firsts = [t for t in (first_ticket, first_event) if t is not None]
    if not firsts:
        return None
    return local_day(min(firsts), zone), local_day(utcnow(), zone)


def rebuild_rollups(*, force: bool = False) -> FoldSummary:
    """Recount every day of the history in the reporting timezone, a week per transaction; the
    watermark moves to the end and keeps the zone."""
    with transaction():
        _claim_rebuild(force)
        top = db.session.scalar(select(func.max(Activity.id))) or 0
        zone = report_zone()
        db.session.execute(delete(ReportRollup))
        drop_read_indexes()  # built again once, at the end
    try:
        written, days = _recount(zone)
    finally:
        with transaction():
            restore_read_indexes()
            mark = db.session.get(ReportWatermark, REBUILDING)
            if mark is not None:
                db.session.delete(mark)
    with transaction():
        _set_watermark(top, zone)
    return FoldSummary(days, written)


def _rebuilding(now: datetime) -> bool:
    """Whether a rebuild is under way (one that began over REBUILD_STALE ago is taken as dead)."""
    mark = db.session.get(ReportWatermark, REBUILDING)
    return mark is not None and mark.folded_at > now - REBUILD_STALE


def _claim_rebuild(force: bool) -> None:
    """Mark a rebuild as under way: a rebuild writes each week once without deleting it first, so
    neither another rebuild nor the job may write days meanwhile."""
    now = utcnow()
    if _rebuilding(now) and not force:
        raise Conflict(
            "The roll-ups are being rebuilt already; run it again once that rebuild ends "
            "(or with --force if that rebuild was stopped)."
        )
    mark = db.session.get(ReportWatermark, REBUILDING)
    if mark is None:
        db.session.add(ReportWatermark(name=REBUILDING, last_id=0, folded_at=now))
    else:  # left by a rebuild that died
        mark.folded_at = now
    db.session.flush()


def _recount(zone: ZoneInfo) -> tuple[int, int]:
    span = _history_span(zone)
    written, days = 0, 0
    if span is not None:
        start, last = span
        while start <= last:
            end = min(last, start + timedelta(days=REBUILD_CHUNK_DAYS - 1))
            with transaction(), large_cache():
                written += fold_days(start, end, zone, replace=False)
            days += (end - start).days + 1
            start = end + timedelta(days=1)
    return written, days


def fold_new_history(now: datetime | None = None) -> FoldSummary:
    """Fold the days that history written since the watermark touched, and yesterday and today."""
    now = now or utcnow()
    if _rebuilding(utcnow()):
        return FoldSummary(0, 0)  # the rebuild under way counts every day up to its end
    mark = db.session.get(ReportWatermark, WATERMARK)
    if mark is None or mark.zone != report_zone().key:
        # the first fold, or one after the reporting timezone changed, counts the whole history
        return rebuild_rollups()
    zone = counted_zone()
    with transaction():
        restore_read_indexes()  # gone only if a rebuild was stopped before its end
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
        today = local_day(now, zone)
        start = min(today - timedelta(days=1), local_day(first, zone) if first is not None else today)
        if opened is not None:
            start = min(start, max(local_day(opened, zone), today - timedelta(days=REFILE_DAYS)))
        end = max(today, local_day(last, zone) if last is not None else today)
        written = 0
        day = start
        while day <= end:  # a week at a time keeps each count in memory small
            chunk_end = min(end, day + timedelta(days=REBUILD_CHUNK_DAYS - 1))
            written += fold_days(day, chunk_end, zone)
            day = chunk_end + timedelta(days=1)
        _set_watermark(max(top or 0, since), zone)
    return FoldSummary((end - start).days + 1, written)


def _set_watermark(last_id: int, zone: ZoneInfo) -> None:
    mark = db.session.get(ReportWatermark, WATERMARK)
    if mark is None:
        db.session.add(ReportWatermark(name=WATERMARK, last_id=last_id, folded_at=utcnow(), zone=zone.key))
    else:
        mark.last_id, mark.folded_at, mark.zone = last_id, utcnow(), zone.key


def watermark_time() -> datetime | None:
    """When the roll-ups last folded new history (None before the first fold)."""
    mark = db.session.get(ReportWatermark, WATERMARK)
    return mark.folded_at if mark is not None else None
