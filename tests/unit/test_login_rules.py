from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.login import GuessPolicy, delay_after, waiting_schedule, waits_until

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
POLICY = GuessPolicy(free_failures=5, first_delay=timedelta(seconds=30), max_delay=timedelta(minutes=10))


def test_the_first_failures_are_free():
    for failures in range(5):
        assert delay_after(failures, POLICY) is None
        assert waits_until(failures, POLICY, NOW) is None


def test_each_further_failure_doubles_the_wait_up_to_the_longest():
    waits = [delay_after(n, POLICY) for n in range(5, 12)]
    assert waits == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
        timedelta(minutes=10),
        timedelta(minutes=10),
    ]
    assert delay_after(10_000, POLICY) == timedelta(minutes=10)


def test_the_schedule_lists_every_wait_until_the_longest():
    schedule = waiting_schedule(POLICY, NOW)
    assert [n for n, _ in schedule] == [5, 6, 7, 8, 9, 10]
    assert schedule[0][1] == NOW + timedelta(seconds=30)
    assert schedule[-1][1] == NOW + timedelta(minutes=10)
