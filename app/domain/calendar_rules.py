"""Business calendars: the weekly opening hours, public holidays and closed days SLA clocks count in.

Opening hours are local wall-clock times in the calendar's IANA timezone, kept as minutes from
midnight (0..1440) so that "until midnight" is simply 1440 rather than an awkward 24:00 `time`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.domain.errors import InvalidInput, attempt, raise_all
from app.domain.public_holidays import holiday_dates, supported_regions

MINUTES_PER_DAY = 24 * 60
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Form field names, so an error can be shown next to the day it is about.
HOURS_FIELDS = tuple(f"hours_{name.lower()}" for name in WEEKDAY_NAMES)

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_RANGE = re.compile(r"^\s*(\S+)\s*[-–]\s*(\S+)\s*$")


def format_minute(minute: int) -> str:
    """09:00 for 540; 24:00 for 1440."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True, slots=True)
class Interval:
    """An opening interval within one local day, [start, end) in minutes from midnight."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < MINUTES_PER_DAY or not 0 < self.end <= MINUTES_PER_DAY:
            raise InvalidInput("Opening hours must lie between 00:00 and 24:00.")
        if self.end <= self.start:
            raise InvalidInput(f"{self} ends before it starts.")

    def __str__(self) -> str:
        return f"{format_minute(self.start)}-{format_minute(self.end)}"


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """When the SLA clock runs; construction checks every part, so a calendar in hand is usable."""

    timezone: str
    weekly: Mapping[int, tuple[Interval, ...]] = field(default_factory=dict)
    holidays_country: str | None = None
    holidays_subdivision: str | None = None
    closed_dates: frozenset[date] = frozenset()
    always_open: bool = False

    def __post_init__(self) -> None:
        _check_timezone(self.timezone)
        _check_holidays(self.holidays_country, self.holidays_subdivision)
        for day, intervals in self.weekly.items():
            if day not in range(7):
                raise InvalidInput(f"Weekday {day!r} is not a day of the week (0 is Monday, 6 is Sunday).")
            _check_day(day, intervals)
        has_hours = any(self.weekly.values())
        if self.always_open and (has_hours or self.holidays_country or self.closed_dates):
            raise InvalidInput(
                "A calendar open 24/7 cannot also have weekly hours, public holidays or closed days.",
                field="always_open",
            )
        if not self.always_open and not has_hours:
            raise InvalidInput(
                "The calendar has no opening hours; add weekly hours or make it open 24/7.",
                field=HOURS_FIELDS[0],
            )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        """The opening intervals of a local date: none on a holiday or a closed day."""
        if self.always_open:
            return (Interval(0, MINUTES_PER_DAY),)
        if day in self.closed_dates or self.is_holiday(day):
            return ()
        return self.weekly.get(day.weekday(), ())

    def is_holiday(self, day: date) -> bool:
        if self.holidays_country is None:
            return False
        return day in holiday_dates(self.holidays_country, self.holidays_subdivision, day.year)


def twenty_four_seven() -> BusinessCalendar:
    """A calendar that never closes: business time equals elapsed time."""
    return BusinessCalendar(timezone="UTC", always_open=True)


def parse_hours(text: str, weekday: int) -> tuple[Interval, ...]:
    """Read "09:00-12:00, 13:00-17:00" (empty means closed) into sorted, non-overlapping intervals."""
    name, field_name = WEEKDAY_NAMES[weekday], HOURS_FIELDS[weekday]
    intervals = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", text))):
        match = _RANGE.match(part)
        if match is None:
            raise InvalidInput(f"{name}: “{part}” is not a range such as 09:00-17:00.", field=field_name)
        start, end = (_parse_clock(value, name, field_name) for value in match.groups())
        if end <= start:
            raise InvalidInput(f"{name}: {part} ends before it starts.", field=field_name)
        intervals.append(Interval(start, end))
    intervals.sort(key=lambda interval: interval.start)
    _check_day(weekday, intervals)
    return tuple(intervals)


def format_hours(intervals: Iterable[Interval]) -> str:
    """The text parse_hours reads back: "09:00-12:00, 13:00-17:00"."""
    return ", ".join(str(interval) for interval in intervals)


def calendar_from_settings(
    *,
    timezone: str,
    weekly_hours: Mapping[int, str],
    holidays_country: str | None = None,
    holidays_subdivision: str | None = None,
    closed_dates: Iterable[date | str] = (),
    always_open: bool = False,
) -> BusinessCalendar:
    """Build a calendar from form-like settings; weekly_hours maps 0 (Monday)..6 to parse_hours text."""
    country = (holidays_country or "").strip().upper() or None
    subdivision = (holidays_subdivision or "").strip() or None
    if country is not None and subdivision is not None:
        subdivision = _canonical_subdivision(country, subdivision)
    # Every part is checked before any is refused, so a form can show all its problems at once.
    problems: list[InvalidInput] = []
    weekly: dict[int, tuple[Interval, ...]] = {}
    for day, text in weekly_hours.items():
        if text.strip():
            try:
                weekly[day] = parse_hours(text, day)
            except InvalidInput as error:
                problems.append(error)
    attempt(problems, lambda: _check_timezone(timezone.strip()))
    attempt(problems, lambda: _check_holidays(country, subdivision))
    dates: set[date] = set()
    wrong: list[tuple[str, InvalidInput]] = []
    for value in closed_dates:
        try:
            dates.add(_parse_date(value))
        except InvalidInput as error:
            wrong.append((str(value).strip(), error))
    if len(wrong) == 1:
        problems.append(wrong[0][1])
    elif wrong:
        quoted = ", ".join(f"“{text}”" for text, _ in wrong)
        problems.append(
            InvalidInput(f"{quoted} are not dates; write each as YYYY-MM-DD.", field="closed_dates")
        )
    raise_all(problems)
    return BusinessCalendar(
        timezone=timezone.strip(),
        weekly=weekly,
        holidays_country=country,
        holidays_subdivision=subdivision,
        closed_dates=frozenset(dates),
        always_open=always_open,
    )


def _parse_clock(value: str, day_name: str, field_name: str) -> int:
    match = _CLOCK.fullmatch(value)
    hours, minutes = (int(match.group(1)), int(match.group(2))) if match else (-1, -1)
    if not (0 <= hours <= 24 and 0 <= minutes <= 59) or (hours == 24 and minutes):
        raise InvalidInput(f"{day_name}: “{value}” is not a time between 00:00 and 24:00.", field=field_name)
    return hours * 60 + minutes


def _parse_date(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        message = f"“{value}” is not a date; write it as YYYY-MM-DD."
        raise InvalidInput(message, field="closed_dates") from None


def _check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"“{name}” is not a known timezone; use an IANA name such as Europe/Berlin.", field="timezone"
        ) from None


def _check_day(weekday: int, intervals: Iterable[Interval]) -> None:
    previous: Interval | None = None
    for interval in intervals:
        if previous is not None and interval.start < previous.end:
            raise InvalidInput(
                f"{WEEKDAY_NAMES[weekday]}: {interval} overlaps {previous}; list the hours in order, "
                "without overlaps.",
                field=HOURS_FIELDS[weekday],
            )
        previous = interval


def _check_holidays(country: str | None, subdivision: str | None) -> None:
    if country is None:
        if subdivision is not None:
            raise InvalidInput("Choose a holiday country before a subdivision.", field="holidays_country")
        return
    supported = supported_regions()
    if country not in supported:
        raise InvalidInput(
            f"“{country}” is not a country with known public holidays; use an ISO code such as DE or US.",
            field="holidays_country",
        )
    if subdivision is not None and subdivision not in supported[country]:
        known = ", ".join(supported[country]) or "none"
        raise InvalidInput(
            f"“{subdivision}” is not a subdivision of {country}; known ones are {known}.",
            field="holidays_subdivision",
        )


def _canonical_subdivision(country: str, subdivision: str) -> str:
    """Match BY, by or By to the spelling the holidays package knows; unknown names are kept for the check."""
    known = supported_regions().get(country, ())
    return next((name for name in known if name.casefold() == subdivision.casefold()), subdivision)
