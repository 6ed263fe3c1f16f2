"""Report arithmetic: duration buckets, percentiles read from them, rates, report date ranges."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from app.domain.errors import InvalidInput

UTC_ZONE = ZoneInfo("UTC")

# Upper edges (minutes, inclusive) of the buckets business durations are counted in: every
# minute up to 10, then steps of at most 10 % up to 30 days; the last bucket is open. A median or
# p90 is reported as the upper edge of the bucket it falls in, so for whole minutes it is the
# exact figure or at most 10 % above it (PERCENTILE_TOLERANCE).
PERCENTILE_TOLERANCE = 0.10
EXACT_UP_TO = 10
LONGEST_BUCKET = 30 * 1440


def _edges() -> tuple[int, ...]:
    edges = list(range(EXACT_UP_TO + 1))
    while edges[-1] < LONGEST_BUCKET:
        edges.append(max(edges[-1] + 1, int(edges[-1] * (1 + PERCENTILE_TOLERANCE))))
    return tuple(edges)


BUCKET_EDGES = _edges()
_EDGE_LABELS = (*map(str, BUCKET_EDGES), "more")
OPEN_BUCKET = "more"
MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30


def duration_bucket(minutes: int) -> str:
    """The bucket a duration in whole minutes falls in: its upper edge, or 'more'."""
    if minutes > BUCKET_EDGES[-1]:
        return OPEN_BUCKET
    return str(BUCKET_EDGES[bisect_left(BUCKET_EDGES, max(minutes, 0))])


def bucket_percentile(counts: Mapping[str, int], fraction: float) -> str | None:
    """The bucket holding the given fraction (0.5 = median) of the counted durations."""
    total = sum(counts.values())
    if total == 0:
        return None
    wanted, running = fraction * total, 0
    for label in _EDGE_LABELS:
        running += counts.get(label, 0)
        if running >= wanted:
            return label
    return OPEN_BUCKET


def bucket_text(label: str | None) -> str:
    """'2.1 h', '12 min', 'over 30 d' for a bucket label (its upper edge)."""
    if label is None:
        return "–"
    if label == OPEN_BUCKET:
        return f"over {minutes_text(BUCKET_EDGES[-1])}"
    return minutes_text(int(label))


PERCENTILE_NOTE = "Medians and p90 are exact up to 10 minutes and at most 10 % above the exact figure beyond."


def minutes_text(minutes: float) -> str:
    if minutes < 60:
        return f"{round(minutes)} min"
    if minutes < 1440:
        return f"{minutes / 60:.1f} h".replace(".0 h", " h")
    return f"{minutes / 1440:.1f} d".replace(".0 d", " d")


def rate(part: int, whole: int) -> float | None:
    """part / whole as a percentage with one decimal, None when nothing was counted."""
    return None if whole == 0 else round(100 * part / whole, 1)


@dataclass(frozen=True, slots=True)
class DateRange:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def grain(self) -> str:
        """Daily points up to two months, weekly beyond."""
        return "day" if (self.end - self.start).days <= 62 else "week"


EARLIEST = date(2000, 1, 1)
LATEST = date(2999, 12, 31)


def parse_range(start_text: str | None, end_text: str | None, today: date) -> DateRange:
    """A report range from ISO dates (both optional): the last 30 days by default."""
    try:
        end = date.fromisoformat(end_text) if end_text else today
        start = date.fromisoformat(start_text) if start_text else end - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    except (ValueError, OverflowError):  # not a date, or a range that would start before year 1
        raise InvalidInput("Give dates as YYYY-MM-DD.", field="start") from None
    if start < EARLIEST or end > LATEST:
        raise InvalidInput(f"Give dates between {EARLIEST} and {LATEST}.", field="start")
    if start > end:
        raise InvalidInput("The range starts after it ends.", field="start")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"A report covers at most {MAX_RANGE_DAYS} days.", field="start")
    return DateRange(start, end)


def period_end(day: date, grain: str, last: date) -> date:
    """The last day of the period starting on `day`, within the range ending on `last`."""
    return min(day if grain == "day" else day + timedelta(days=6), last)


def period_start(day: date, grain: str) -> date:
    """The first day of the day's period: itself, or the Monday of its week."""
    return day if grain == "day" else day - timedelta(days=day.weekday())


def day_note(counted: ZoneInfo, chosen: ZoneInfo, viewer: ZoneInfo | None) -> str:
    """How report days and times read: days are the reporting zone's, times the viewer's."""
    shown = (viewer or UTC_ZONE).key
    note = f"Days run from midnight to midnight, {counted.key}; times on this page are in {shown}."
    if chosen.key != counted.key:
        note += f" The reporting timezone is now {chosen.key}: the next fold recounts every day in it."
    return note
