"""Report arithmetic and charts: business minutes of a met clock, buckets, percentiles, SVG."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.business_time import calendar_from_settings
from app.domain.charts import PALETTE, Chart, Series, render_svg
from app.domain.errors import InvalidInput
from app.domain.reports import EXACT_UP_TO, bucket_percentile, duration_bucket, parse_range
from app.services.reports.facts import elapsed_business_minutes

OFFICE = calendar_from_settings(timezone="UTC", weekly_hours={d: "09:00-17:00" for d in range(5)})


def test_a_clock_met_after_a_weekend_is_charged_business_minutes_only():
    # 60 business minutes from Friday 16:30: 30 on Friday, due Monday 09:30.
    due = datetime(2026, 3, 9, 9, 30, tzinfo=UTC)
    assert elapsed_business_minutes(OFFICE, 60, datetime(2026, 3, 9, 9, 10, tzinfo=UTC), due) == 40
    assert elapsed_business_minutes(OFFICE, 60, datetime(2026, 3, 6, 16, 45, tzinfo=UTC), due) == 15
    # Met late, on Monday at 11:00: the 60 minutes and 90 more.
    assert elapsed_business_minutes(OFFICE, 60, datetime(2026, 3, 9, 11, 0, tzinfo=UTC), due) == 150


def test_buckets_and_their_percentiles():
    got = [duration_bucket(m) for m in (0, 7, 10, 11, 21, 120, 50_000)]
    assert got == ["0", "7", "10", "11", "22", "124", "more"]
    counts = {"15": 5, "60": 4, "more": 1}
    assert bucket_percentile(counts, 0.5) == "15"
    assert bucket_percentile(counts, 0.9) == "60"
    assert bucket_percentile({}, 0.5) is None


@given(st.integers(min_value=0, max_value=30 * 1440))
def test_a_bucket_edge_is_the_duration_or_at_most_ten_percent_above(minutes):
    edge = int(duration_bucket(minutes))
    assert minutes <= edge <= max(minutes * 1.1, EXACT_UP_TO if minutes <= EXACT_UP_TO else 0)
    if minutes <= EXACT_UP_TO:
        assert edge == minutes


def test_a_range_defaults_to_thirty_days_and_refuses_nonsense():
    assert parse_range(None, None, date(2026, 3, 30)).start == date(2026, 3, 1)
    for start, end in (("2026-03-05", "2026-03-01"), ("yesterday", None), ("2024-01-01", "2026-01-01")):
        with pytest.raises(InvalidInput):
            parse_range(start, end, date(2026, 3, 30))


def test_a_chart_has_a_title_a_description_and_escapes_its_labels():
    chart = Chart(
        "stacked", "Met & breached", ("<Tier 1>", "Tier 2"), (Series("Met", (3, 4)), Series("Late", (1, 0)))
    )
    svg = render_svg(chart, "c1")
    assert '<title id="c1-t">Met &amp; breached</title>' in svg
    assert 'aria-labelledby="c1-t c1-d"' in svg and "<desc" in svg
    assert "&lt;Tier 1&gt;" in svg and "<Tier 1>" not in svg
    assert PALETTE[0] in svg and PALETTE[1] in svg
    assert 'viewBox="0 0 640 260"' in svg


def test_a_day_note_names_the_reporting_zone_and_the_viewers_and_a_pending_recount():
    from zoneinfo import ZoneInfo

    from app.domain.reports import day_note

    berlin, tokyo = ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Tokyo")
    note = day_note(berlin, berlin, tokyo)
    assert note == (
        "Days run from midnight to midnight, Europe/Berlin; times on this page are in Asia/Tokyo."
    )
    assert "times on this page are in UTC." in day_note(berlin, berlin, None)
    changed = day_note(berlin, tokyo, None)
    assert "midnight to midnight, Europe/Berlin" in changed
    assert "The reporting timezone is now Asia/Tokyo: the next fold recounts every day in it." in changed


def test_report_days_run_from_local_midnight_through_daylight_saving():
    from zoneinfo import ZoneInfo

    from app.domain.report_days import DayCuts, local_day, midnight

    plus_two = ZoneInfo("Africa/Johannesburg")  # UTC+2 all year
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    assert local_day(late, plus_two) == date(2026, 3, 3)
    assert local_day(late, ZoneInfo("UTC")) == date(2026, 3, 2)
    assert midnight(date(2026, 3, 3), plus_two) == datetime(2026, 3, 2, 22, 0, tzinfo=UTC)
    # Berlin's day of the spring change (29 March 2026) lasts 23 hours.
    berlin = ZoneInfo("Europe/Berlin")
    cuts = DayCuts(date(2026, 3, 28), date(2026, 3, 30), berlin)
    assert cuts.begins == datetime(2026, 3, 27, 23, 0, tzinfo=UTC)
    assert cuts.ends == datetime(2026, 3, 30, 22, 0, tzinfo=UTC)
    assert (cuts.cuts[2] - cuts.cuts[1]).total_seconds() == 23 * 3600
    assert cuts.day_of(datetime(2026, 3, 28, 22, 59, tzinfo=UTC)) == date(2026, 3, 28)
    assert cuts.day_of(datetime(2026, 3, 28, 23, 0, tzinfo=UTC)) == date(2026, 3, 29)
    assert cuts.day_of(datetime(2026, 3, 29, 22, 0, tzinfo=UTC)) == date(2026, 3, 30)
    at = cuts.begins
    while at < cuts.ends:  # every instant of the span agrees with a plain conversion
        assert cuts.day_of(at) == local_day(at, berlin)
        at += timedelta(minutes=7)


def test_a_line_leaves_a_gap_where_a_day_has_no_value_instead_of_falling_to_zero():
    chart = Chart(
        "line", "Attainment", ("1", "2", "3", "4", "5"), (Series("Attainment %", (90, 80, None, 100, None)),)
    )
    svg = render_svg(chart, "t")
    assert svg.count("<polyline") == 1  # days 1–2 joined; day 4 alone between gaps
    assert svg.count("<circle") == 1
    zero_line_y = "202.0"  # the plot's base: a value of 0 would be drawn there
    assert f",{zero_line_y}" not in svg.split("<polyline", 1)[1].split("/>", 1)[0]


def test_bars_with_long_labels_are_drawn_across_with_every_label_readable():
    kinds = ("customer service", "business relationship", "product experience", "brand experience")
    long_one = "a touchpoint kind whose name is far too long to show"
    chart = Chart("bar", "Touchpoints by kind", (*kinds, long_one), (Series("Touchpoints", (9, 7, 5, 2, 1)),))
    svg = render_svg(chart, "tp")
    for kind in kinds:  # whole, each on its own row beside its bar
        assert f">{kind}</text>" in svg
    assert "a touchpoint kind whose…" in svg and f"<title>{long_one}</title>" in svg
    assert 'text-anchor="end">' in svg and ">9</text>" in svg  # the value at the bar's end
    rows = [float(part.split('"')[0]) for part in svg.split('<rect x="250" y="')[1:]]
    assert rows == sorted(rows) and len(rows) == 5
    # Short labels (days) stay under their bars.
    days = Chart("bar", "Per day", ("01 Mar", "02 Mar"), (Series("Opened", (3, 4)),))
    assert 'viewBox="0 0 640 260"' in render_svg(days, "d")
