from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.business_time import (
    BusinessCalendar,
    Interval,
    add_business_minutes,
    add_business_minutes_each,
    add_business_time,
    business_minutes_between,
    business_time_between,
    calendar_from_settings,
    format_hours,
    is_open,
    next_opening,
    parse_hours,
    twenty_four_seven,
)
from app.domain.errors import InvalidInput

WEEKDAYS = range(5)
EVERY_DAY = range(7)


def calendar(
    tz: str = "Europe/Berlin", hours: str = "09:00-17:00", days=WEEKDAYS, **extra
) -> BusinessCalendar:
    return calendar_from_settings(timezone=tz, weekly_hours={day: hours for day in days}, **extra)


def at(tz: str, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(tz))


BERLIN = calendar()
NEW_YORK = calendar("America/New_York")
SPLIT = calendar(hours="09:00-12:00, 13:00-17:00")
BAVARIA = calendar(holidays_country="DE", holidays_subdivision="by")
BERLIN_STATE = calendar(holidays_country="DE", holidays_subdivision="BE")
CHRISTMAS_CLOSED = calendar(closed_dates=["2026-12-24", date(2026, 12, 25)])


@pytest.mark.parametrize(
    ("cal", "start", "minutes", "expected"),
    [
        # Friday 16:30 + 2 hours: 30 minutes on Friday, 90 on Monday.
        (BERLIN, (2026, 4, 24, 16, 30), 120, (2026, 4, 27, 10, 30)),
        # Berlin springs forward (Sunday 29 March) and falls back (Sunday 25 October) over the weekend.
        (BERLIN, (2026, 3, 27, 16, 0), 120, (2026, 3, 30, 10, 0)),
        (BERLIN, (2026, 10, 23, 16, 0), 120, (2026, 10, 26, 10, 0)),
        # New York: 8 March and 1 November 2026.
        (NEW_YORK, (2026, 3, 6, 16, 0), 120, (2026, 3, 9, 10, 0)),
        (NEW_YORK, (2026, 10, 30, 16, 0), 120, (2026, 11, 2, 10, 0)),
        # Starting outside hours: on Saturday, and before Monday's opening.
        (BERLIN, (2026, 4, 25, 12, 0), 30, (2026, 4, 27, 9, 30)),
        (BERLIN, (2026, 4, 27, 7, 0), 30, (2026, 4, 27, 9, 30)),
        (BERLIN, (2026, 4, 27, 18, 0), 30, (2026, 4, 28, 9, 30)),
        # A target used up exactly at closing time is due at closing, not at the next opening.
        (BERLIN, (2026, 4, 24, 16, 0), 60, (2026, 4, 24, 17, 0)),
        # Split shifts skip the lunch break.
        (SPLIT, (2026, 4, 27, 11, 30), 60, (2026, 4, 27, 13, 30)),
        (SPLIT, (2026, 4, 27, 12, 15), 30, (2026, 4, 27, 13, 30)),
        (SPLIT, (2026, 4, 27, 16, 30), 420, (2026, 4, 28, 16, 30)),
    ],
)
def test_adding_business_minutes(cal, start, minutes, expected):
    result = add_business_minutes(cal, at(cal.timezone, *start), minutes)
    assert result == at(cal.timezone, *expected)
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("cal", "start", "end", "minutes"),
    [
        (BERLIN, (2026, 4, 24, 16, 0), (2026, 4, 27, 10, 0), 120),
        (BERLIN, (2026, 3, 27, 16, 0), (2026, 3, 30, 10, 0), 120),
        (NEW_YORK, (2026, 10, 30, 16, 0), (2026, 11, 2, 10, 0), 120),
        (BERLIN, (2026, 4, 25, 0, 0), (2026, 4, 26, 23, 59), 0),
        # BERLIN has no public holidays, so Friday 1 May counts like any Friday.
        (BERLIN, (2026, 4, 27, 0, 0), (2026, 5, 4, 0, 0), 5 * 480),
        (calendar(holidays_country="DE"), (2026, 4, 27, 0, 0), (2026, 5, 4, 0, 0), 4 * 480),
        (SPLIT, (2026, 4, 27, 0, 0), (2026, 4, 28, 0, 0), 420),
        (SPLIT, (2026, 4, 27, 12, 0), (2026, 4, 27, 13, 0), 0),
        (BERLIN, (2026, 4, 27, 12, 0), (2026, 4, 27, 11, 0), 0),
    ],
)
def test_measuring_business_minutes(cal, start, end, minutes):
    assert business_minutes_between(cal, at(cal.timezone, *start), at(cal.timezone, *end)) == minutes


@pytest.mark.parametrize("tz", ["Europe/Berlin", "America/New_York"])
@pytest.mark.parametrize("month", [3, 10, 11])
def test_a_dst_sunday_keeps_its_wall_clock_hours(tz, month):
    cal = calendar(tz, days=EVERY_DAY)
    for day in range(1, 29):
        start = at(tz, 2026, month, day)
        assert business_minutes_between(cal, start, start + timedelta(days=1, hours=2)) == 480


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        ("Europe/Berlin", date(2026, 3, 29), 23),
        ("Europe/Berlin", date(2026, 10, 25), 25),
        ("America/New_York", date(2026, 3, 8), 23),
        ("America/New_York", date(2026, 11, 1), 25),
        ("America/New_York", date(2026, 11, 2), 24),
    ],
)
def test_a_day_open_around_the_clock_holds_its_real_hours(tz, day, hours):
    cal = calendar(tz, hours="00:00-24:00", days=EVERY_DAY)
    start = at(tz, day.year, day.month, day.day)
    end = add_business_minutes(cal, start, hours * 60)
    assert end.astimezone(ZoneInfo(tz)).date() == day + timedelta(days=1)
    assert business_minutes_between(cal, start, end) == hours * 60


def test_hours_inside_a_dst_jump_count_only_what_exists():
    cal = calendar("America/New_York", hours="01:00-02:00, 02:30-03:15", days=[6])
    spring = at("America/New_York", 2026, 3, 8)
    # 01:00-02:00 exists; of 02:30-03:15 only 03:00-03:15 does.
    assert business_minutes_between(cal, spring, spring + timedelta(days=1)) == 75
    # 02:00 EST and 03:00 EDT are one instant, so the two intervals run on without a break.
    due = add_business_minutes(cal, at("America/New_York", 2026, 3, 8, 1), 75)
    assert due == at("UTC", 2026, 3, 8, 7, 15)
    autumn = at("America/New_York", 2026, 11, 1)
    # 01:00-02:00 happens twice (two real hours); 02:30-03:15 once.
    assert business_minutes_between(cal, autumn, autumn + timedelta(days=1)) == 165


@pytest.mark.parametrize(
    ("cal", "start", "expected"),
    [
        # Labour Day, Friday 1 May 2026, in Germany.
        (calendar(holidays_country="DE"), (2026, 4, 30, 16, 30), (2026, 5, 4, 9, 30)),
        # Independence Day falls on a Saturday; it is observed on Friday 3 July.
        (calendar("America/New_York", holidays_country="US"), (2026, 7, 2, 16, 30), (2026, 7, 6, 9, 30)),
        # Corpus Christi (Thursday 4 June) is a holiday in Bavaria but not in Berlin.
        (BAVARIA, (2026, 6, 3, 16, 30), (2026, 6, 5, 9, 30)),
        (BERLIN_STATE, (2026, 6, 3, 16, 30), (2026, 6, 4, 9, 30)),
        # Extra closed days, with no holiday calendar at all.
        (CHRISTMAS_CLOSED, (2026, 12, 23, 16, 30), (2026, 12, 28, 9, 30)),
    ],
)
def test_holidays_and_closed_days_are_skipped(cal, start, expected):
    assert add_business_minutes(cal, at(cal.timezone, *start), 60) == at(cal.timezone, *expected)


def test_whole_years_are_walked_day_by_day():
    cal = calendar("UTC")
    # 52 weeks of 5 eight-hour days from Monday 5 January 2026 end on Friday 1 January 2027 at closing.
    start = at("UTC", 2026, 1, 5, 9)
    assert add_business_minutes(cal, start, 52 * 5 * 480) == at("UTC", 2027, 1, 1, 17)


@pytest.mark.parametrize(
    ("local", "open_", "opening"),
    [
        ((2026, 4, 27, 9, 0), True, (2026, 4, 27, 9, 0)),
        ((2026, 4, 27, 11, 59), True, (2026, 4, 27, 11, 59)),
        ((2026, 4, 27, 12, 0), False, (2026, 4, 27, 13, 0)),
        ((2026, 4, 27, 17, 0), False, (2026, 4, 28, 9, 0)),
        ((2026, 4, 25, 10, 0), False, (2026, 4, 27, 9, 0)),
    ],
)
def test_is_open_and_next_opening(local, open_, opening):
    instant = at("Europe/Berlin", *local)
    assert is_open(SPLIT, instant) is open_
    assert next_opening(SPLIT, instant) == at("Europe/Berlin", *opening)


def test_twenty_four_seven_is_wall_clock_time():
    cal = twenty_four_seven()
    start = at("Europe/Berlin", 2026, 3, 28, 12).astimezone(UTC)  # UTC, so + timedelta is real time
    end = add_business_minutes(cal, start, 48 * 60)
    assert end == start + timedelta(hours=48)
    assert business_minutes_between(cal, start, end) == 48 * 60
    assert is_open(cal, start)
    assert next_opening(cal, start) == start


def test_zero_minutes_is_the_start_itself_even_when_closed():
    saturday = at("Europe/Berlin", 2026, 4, 25, 12)
    assert add_business_minutes(BERLIN, saturday, 0) == saturday


def test_naive_datetimes_and_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_minutes(BERLIN, datetime(2026, 4, 27, 10), 5)  # noqa: DTZ001 - the input refused
    with pytest.raises(ValueError, match="negative"):
        add_business_minutes(BERLIN, at("UTC", 2026, 4, 27, 10), -5)


def test_a_calendar_closed_for_years_gives_up_with_a_sentence():
    closed = [date(2026, 1, 1) + timedelta(days=n) for n in range(4 * 366)]
    cal = calendar(closed_dates=closed)
    with pytest.raises(InvalidInput, match="no open time for three years"):
        add_business_minutes(cal, at("UTC", 2026, 1, 1), 60)


@pytest.mark.parametrize(
    ("changes", "field", "sentence"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "“Mars/Olympus” is not a known timezone"),
        ({"weekly_hours": {0: "17:00-09:00"}}, "hours_monday", "Monday: 17:00-09:00 ends before it starts."),
        (
            {"weekly_hours": {1: "09:00-12:00, 11:00-14:00"}},
            "hours_tuesday",
            "Tuesday: 11:00-14:00 overlaps 09:00-12:00",
        ),
        (
            {"weekly_hours": {2: "9-17"}},
            "hours_wednesday",
            "Wednesday: “9” is not a time between 00:00 and 24:00.",
        ),
        ({"weekly_hours": {3: "nine to five"}}, "hours_thursday", "is not a range such as 09:00-17:00"),
        ({"weekly_hours": {4: "09:00-24:30"}}, "hours_friday", "“24:30” is not a time"),
        ({"weekly_hours": {}}, "hours_monday", "The calendar has no opening hours"),
        ({"weekly_hours": {0: " "}}, "hours_monday", "The calendar has no opening hours"),
        ({"holidays_country": "XX"}, "holidays_country", "“XX” is not a country with known public holidays"),
        (
            {"holidays_country": "DE", "holidays_subdivision": "ZZ"},
            "holidays_subdivision",
            "“ZZ” is not a subdivision of DE; known ones are BB, BE",
        ),
        (
            {"holidays_subdivision": "BY"},
            "holidays_country",
            "Choose a holiday country before a subdivision.",
        ),
        (
            {"closed_dates": ["2026-02-30"]},
            "closed_dates",
            "“2026-02-30” is not a date; write it as YYYY-MM-DD.",
        ),
        ({"always_open": True}, "always_open", "A calendar open 24/7 cannot also have weekly hours"),
    ],
)
def test_invalid_settings_are_refused_with_a_sentence(changes, field, sentence):
    settings_ = {"timezone": "Europe/Berlin", "weekly_hours": {0: "09:00-17:00"}} | changes
    with pytest.raises(InvalidInput) as refused:
        calendar_from_settings(**settings_)
    assert refused.value.field == field
    assert sentence in str(refused.value)


def test_direct_construction_is_checked_too():
    with pytest.raises(InvalidInput, match="Weekday 7 is not a day of the week"):
        BusinessCalendar(timezone="UTC", weekly={7: (Interval(540, 1020),)})
    with pytest.raises(InvalidInput, match="between 00:00 and 24:00"):
        Interval(540, 1500)


def test_hours_text_round_trips():
    intervals = parse_hours(" 13:00–17:00; 09:00 - 12:00 ,18:00-24:00", 0)
    assert intervals == (Interval(540, 720), Interval(780, 1020), Interval(1080, 1440))
    assert format_hours(intervals) == "09:00-12:00, 13:00-17:00, 18:00-24:00"
    assert parse_hours(format_hours(intervals), 0) == intervals


# Properties over calendars chosen for their edges: DST gaps and repeats inside opening hours
# (Berlin nights, Lord Howe's half-hour shift), split shifts, holidays, closed days and 24/7.
CALENDARS = [
    calendar(holidays_country="DE"),
    calendar(
        "America/New_York",
        hours="08:00-12:00, 13:00-17:30",
        days=range(6),
        holidays_country="US",
        closed_dates=["2026-12-24"],
    ),
    calendar(hours="00:00-03:00, 22:00-24:00", days=EVERY_DAY),
    calendar("Australia/Lord_Howe", hours="01:30-02:15, 09:00-17:00", days=EVERY_DAY),
    twenty_four_seven(),
]
calendars = st.sampled_from(CALENDARS)
# Hypothesis takes naive bounds and puts the drawn instants in `timezones`.
instants = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
minutes = st.integers(min_value=0, max_value=120_000)


@settings(deadline=None)
@given(calendars, instants, minutes)
def test_adding_then_measuring_round_trips(cal, start, m):
    assert business_minutes_between(cal, start, add_business_minutes(cal, start, m)) == m


@settings(deadline=None)
@given(calendars, instants, st.lists(st.integers(min_value=0, max_value=12_000), max_size=6))
def test_adding_several_amounts_in_one_walk_adds_each(cal, start, amounts):
    each = add_business_minutes_each(cal, start, amounts)
    assert each == [add_business_minutes(cal, start, m) for m in amounts]


def test_several_amounts_refuse_a_negative_one_and_a_naive_start():
    with pytest.raises(ValueError, match="negative"):
        add_business_minutes_each(BERLIN, at("Europe/Berlin", 2026, 3, 2, 10, 0), [60, -1])
    with pytest.raises(ValueError):
        add_business_minutes_each(BERLIN, datetime(2026, 3, 2, 10, 0), [60])  # noqa: DTZ001


@settings(deadline=None)
@given(calendars, instants, minutes, minutes)
def test_adding_is_monotonic(cal, start, m1, m2):
    low, high = sorted((m1, m2))
    assert add_business_minutes(cal, start, low) <= add_business_minutes(cal, start, high)


@settings(deadline=None)
@given(
    calendars,
    instants,
    st.lists(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)), min_size=2, max_size=2),
)
def test_measuring_is_additive_over_a_split_point(cal, start, gaps):
    middle = start + gaps[0]
    end = middle + gaps[1]
    whole = business_time_between(cal, start, end)
    assert whole == business_time_between(cal, start, middle) + business_time_between(cal, middle, end)
    assert timedelta(0) <= whole <= end - start


@settings(deadline=None)
@given(calendars, instants, st.integers(min_value=1, max_value=20_000))
def test_a_deadline_falls_in_or_at_the_end_of_open_time(cal, start, m):
    due = add_business_minutes(cal, start, m)
    assert add_business_time(cal, start, timedelta(minutes=m) - timedelta(microseconds=1)) < due
    assert is_open(cal, due - timedelta(microseconds=1))
