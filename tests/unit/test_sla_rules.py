"""domain.sla: a clock charged only while it ran and the ticket was not paused; why a ticket has no policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.business_time import calendar_from_settings, twenty_four_seven
from app.domain.sla import PolicyCell, clock_times, merged_pauses, no_policy_reason, paused_times

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday


def m(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def test_without_pauses_it_is_the_plain_due_time():
    calendar = twenty_four_seven()
    assert paused_times(calendar, START, 60, 50, []) == clock_times(calendar, START, 60, 50)


def test_a_pause_before_the_clock_counts_only_from_its_start():
    times = paused_times(twenty_four_seven(), m(30), 60, 50, [(m(0), m(50))])
    assert (times.warn_at, times.due_at) == (m(80), m(110))


def test_overlapping_pauses_count_once():
    times = paused_times(twenty_four_seven(), START, 60, 50, [(m(10), m(40)), (m(20), m(30)), (m(35), m(50))])
    assert times.due_at == m(100)
    assert merged_pauses(START, [(m(35), m(50)), (m(10), m(40))]) == [(m(10), m(50))]


def test_a_pause_after_the_due_time_changes_nothing():
    assert paused_times(twenty_four_seven(), START, 60, 50, [(m(60), m(90))]).due_at == m(60)


def test_a_pause_outside_business_hours_costs_nothing():
    office = calendar_from_settings(timezone="UTC", weekly_hours={d: "09:00-17:00" for d in range(5)})
    friday_four = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
    weekend = (datetime(2026, 3, 6, 18, 0, tzinfo=UTC), datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    monday_ten = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    assert paused_times(office, friday_four, 120, 50, [weekend]).due_at == monday_ten
    # Paused over the Monday morning: the two hours still owed start at the resume.
    monday_pause = (datetime(2026, 3, 9, 8, 0, tzinfo=UTC), datetime(2026, 3, 9, 11, 0, tzinfo=UTC))
    assert paused_times(office, friday_four, 120, 50, [monday_pause]).due_at == datetime(
        2026, 3, 9, 12, 0, tzinfo=UTC
    )


def test_the_reason_a_ticket_has_no_policy_names_its_cell():
    urgent = PolicyCell(1, "Urgent", None, "urgent")
    assert no_policy_reason([], "named", "low") == "No service-level policies are set up."
    assert no_policy_reason([urgent], None, "low") == (
        "No policy covers no account tier, priority low, or either of them alone, "
        "and there is no default policy."
    )
    assert no_policy_reason([urgent], "named", "urgent").startswith("Urgent covers it now")
