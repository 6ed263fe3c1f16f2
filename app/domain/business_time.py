"""Business-time arithmetic for SLA targets: which instants count, and how much of them lies between two.

Every instant in and out is a timezone-aware datetime; results are in UTC. Opening hours are local
wall-clock times, so a 09:00-17:00 day holds 8 hours even on the day a DST change happens at night,
and a day open 00:00-24:00 holds 23 or 25 real hours on those days. Durations are exact timedeltas
(microseconds); the minute functions are thin wrappers: add_business_minutes takes whole minutes and
business_minutes_between returns float minutes, exact whenever the instants fall on whole minutes.
Days are walked one at a time over their intervals, never minute by minute.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.domain.calendar_rules import (
    HOURS_FIELDS,
    WEEKDAY_NAMES,
    BusinessCalendar,
    Interval,
    calendar_from_settings,
    format_hours,
    parse_hours,
    twenty_four_seven,
)
from app.domain.errors import InvalidInput
from app.domain.public_holidays import holiday_dates

__all__ = [
    "HOURS_FIELDS",
    "MAX_CLOSED_DAYS",
    "WEEKDAY_NAMES",
    "BusinessCalendar",
    "Interval",
    "add_business_minutes",
    "add_business_minutes_each",
    "add_business_time",
    "business_minutes_between",
    "business_time_between",
    "calendar_from_settings",
    "format_hours",
    "holiday_dates",
    "is_open",
    "next_opening",
    "open_spans",
    "parse_hours",
    "twenty_four_seven",
]

# A search that finds no open time for this long gives up instead of looping (three years of days).
MAX_CLOSED_DAYS = 3 * 366

Span = tuple[datetime, datetime]


def is_open(calendar: BusinessCalendar, instant: datetime) -> bool:
    """Whether the SLA clock runs at this instant."""
    _require_aware(instant)
    if calendar.always_open:
        return True
    zone = calendar.zone
    spans = _day_spans(calendar, zone, _local_date(instant, zone))
    return any(start <= instant < end for start, end in spans)


def next_opening(calendar: BusinessCalendar, instant: datetime) -> datetime:
    """The first open instant at or after this one (the instant itself when already open), in UTC."""
    _require_aware(instant)
    if calendar.always_open:
        return instant.astimezone(UTC)
    start, _ = next(open_spans(calendar, instant))
    return start


def add_business_time(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """The instant by which `duration` of business time has passed since `start`, in UTC.

    A zero duration returns `start` itself, open or not; a positive one that is used up exactly at
    closing time returns that closing instant rather than the next opening.
    """
    _require_aware(start)
    if duration < timedelta(0):
        raise ValueError("Business time to add cannot be negative.")
    start = start.astimezone(UTC)
    if calendar.always_open or not duration:
        return start + duration
    remaining = duration
    for span_start, span_end in open_spans(calendar, start):
        available = span_end - span_start
        if remaining <= available:
            return span_start + remaining
        remaining -= available
    raise AssertionError("open_spans never ends")  # pragma: no cover


def add_business_minutes(calendar: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    """add_business_time for a whole number of minutes (an SLA target)."""
    return add_business_time(calendar, start, timedelta(minutes=minutes))


def add_business_minutes_each(
    calendar: BusinessCalendar, start: datetime, minutes: Sequence[int]
) -> list[datetime]:
    """add_business_minutes for several amounts from one start, in their order: the calendar's
    open spans are walked once, as far as the largest amount reaches."""
    _require_aware(start)
    durations = [timedelta(minutes=amount) for amount in minutes]
    if any(duration < timedelta(0) for duration in durations):
        raise ValueError("Business time to add cannot be negative.")
    start = start.astimezone(UTC)
    if calendar.always_open:
        return [start + duration for duration in durations]
    found: list[datetime] = [start] * len(durations)  # a zero amount is the start itself
    waiting = sorted((d, i) for i, d in enumerate(durations) if d)
    if not waiting:
        return found
    used = timedelta(0)  # open time before the span at hand
    position = 0
    for span_start, span_end in open_spans(calendar, start):
        reach = used + (span_end - span_start)
        # Used up within this span, closing time included (as add_business_time has it).
        while waiting[position][0] <= reach:
            duration, index = waiting[position]
            found[index] = span_start + (duration - used)
            position += 1
            if position == len(waiting):
                return found
        used = reach
    raise AssertionError("open_spans never ends")  # pragma: no cover


def business_time_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """The business time in [start, end); zero when end is not after start."""
    _require_aware(start)
    _require_aware(end)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return timedelta(0)
    if calendar.always_open:
        return end - start
    zone = calendar.zone
    total = timedelta(0)
    day, last_day = _local_date(start, zone), _local_date(end, zone)
    while day <= last_day:
        for span_start, span_end in _day_spans(calendar, zone, day):
            overlap = min(span_end, end) - max(span_start, start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


def business_minutes_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> float:
    """business_time_between in minutes (float, so that measuring stays additive)."""
    return business_time_between(calendar, start, end) / timedelta(minutes=1)


def open_spans(calendar: BusinessCalendar, instant: datetime) -> Iterator[Span]:
    """The open periods (UTC start, end) from `instant` on, in order; the first may start at `instant`.

    Raises InvalidInput after MAX_CLOSED_DAYS days in a row without open time, so no search runs
    forever.
    """
    _require_aware(instant)
    if calendar.always_open:
        raise ValueError("A calendar open 24/7 has a single endless span; handle it before asking for spans.")
    zone = calendar.zone
    instant = instant.astimezone(UTC)
    day = _local_date(instant, zone)
    closed_run = 0
    while True:
        spans = _day_spans(calendar, zone, day)
        closed_run = 0 if spans else closed_run + 1
        if closed_run > MAX_CLOSED_DAYS:
            since = day - timedelta(days=closed_run)
            raise InvalidInput(f"The business calendar has no open time for three years after {since}.")
        for start, end in spans:
            if end > instant:
                yield max(start, instant), end
        day += timedelta(days=1)


# A day's spans per calendar, worked out once: every opened ticket's clocks walk the same few
# days (each target's warning and due time). Keyed by the calendar object itself (a changed
# calendar is a new object); the entry keeps it alive, so its id is never another's.
_SPANS_KEPT = 4096
_spans_of_days: dict[tuple[int, date], tuple[BusinessCalendar, tuple[Span, ...]]] = {}


def _day_spans(calendar: BusinessCalendar, zone: ZoneInfo, day: date) -> tuple[Span, ...]:
    known = _spans_of_days.get((id(calendar), day))
    if known is not None and known[0] is calendar:
        return known[1]
    spans = _spans_on(calendar, zone, day)
    if len(_spans_of_days) >= _SPANS_KEPT:
        _spans_of_days.clear()
    _spans_of_days[(id(calendar), day)] = (calendar, spans)
    return spans


def _spans_on(calendar: BusinessCalendar, zone: ZoneInfo, day: date) -> tuple[Span, ...]:
    spans = []
    for interval in calendar.intervals_on(day):
        start, end = _wall_to_utc(day, interval.start, zone), _wall_to_utc(day, interval.end, zone)
        if end > start:  # an interval lying wholly in a DST gap holds no time
            spans.append((start, end))
    return tuple(spans)


def _wall_to_utc(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time; a repeated time is its first occurrence.

    A time skipped by a DST jump maps to the instant of the jump, which keeps the mapping
    non-decreasing, so 02:30-03:15 on a 02:00->03:00 night holds the 15 minutes from 03:00.
    """
    wall = datetime.combine(day, time()) + timedelta(minutes=minute)
    utc = wall.replace(tzinfo=zone).astimezone(UTC)
    if _wall(utc, zone) == wall:
        return utc
    # In a gap fold=0 gives the later reading and fold=1 the earlier; the jump lies between them.
    low, high = wall.replace(tzinfo=zone, fold=1).astimezone(UTC), utc
    if low > high:
        low, high = high, low
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if _wall(middle, zone) < wall:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def _local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("Business-time arithmetic needs timezone-aware datetimes.")
