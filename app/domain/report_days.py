"""Report days in the desk's reporting timezone: a day runs from one local midnight to the next,
so it may last 23 or 25 hours around a daylight-saving change."""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which `day` starts in `zone`."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def local_day(at: datetime, zone: ZoneInfo) -> date:
    """The day of `zone` an instant falls on (a naive time is read as UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(zone).date()


class DayCuts:
    """The days [start, end] of a zone and the UTC midnights between them, to file many instants
    in that span by day without converting each one."""

    def __init__(self, start: date, end: date, zone: ZoneInfo) -> None:
        self.days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        self.cuts = [midnight(day, zone) for day in (*self.days, end + timedelta(days=1))]

    @property
    def begins(self) -> datetime:
        return self.cuts[0]

    @property
    def ends(self) -> datetime:
        """The first instant after the span."""
        return self.cuts[-1]

    def day_of(self, at: datetime) -> date:
        """The day an instant within the span falls on."""
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        index = bisect_right(self.cuts, at) - 1
        return self.days[min(max(index, 0), len(self.days) - 1)]
