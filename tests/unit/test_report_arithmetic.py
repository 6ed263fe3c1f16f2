"""Report arithmetic and charts: business minutes of a met clock, buckets, percentiles, SVG."""

from __future__ import annotations

from datetime import UTC, date, datetime

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


def test_a_day_cut_note_gives_utc_midnight_in_the_viewers_zone():
    from datetime import date
    from zoneinfo import ZoneInfo

    from app.domain.reports import day_cut_note

    assert "in UTC" in day_cut_note(None, date(2026, 12, 1))
    # Berlin is UTC+1 in winter and UTC+2 in summer.
    assert "01:00 in Europe/Berlin" in day_cut_note(ZoneInfo("Europe/Berlin"), date(2026, 12, 1))
    assert "02:00 in Europe/Berlin" in day_cut_note(ZoneInfo("Europe/Berlin"), date(2026, 7, 1))
    # West of Greenwich a UTC day starts the evening before.
    la = day_cut_note(ZoneInfo("America/Los_Angeles"), date(2026, 12, 1))
    assert "16:00 the day before in America/Los_Angeles" in la
    assert "times on this page are in America/Los_Angeles" in la


def test_a_line_leaves_a_gap_where_a_day_has_no_value_instead_of_falling_to_zero():
    chart = Chart(
        "line", "Attainment", ("1", "2", "3", "4", "5"), (Series("Attainment %", (90, 80, None, 100, None)),)
    )
    svg = render_svg(chart, "t")
    assert svg.count("<polyline") == 1  # days 1–2 joined; day 4 alone between gaps
    assert svg.count("<circle") == 1
    zero_line_y = "202.0"  # the plot's base: a value of 0 would be drawn there
    assert f",{zero_line_y}" not in svg.split("<polyline", 1)[1].split("/>", 1)[0]
