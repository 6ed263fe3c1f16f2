"""Slowing down password guessing: after a few wrong passwords in a row, each further guess at an
account waits longer than the one before (no fixed lock that a stranger could keep closed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class GuessPolicy:
    """How many wrong passwords in a row are free, the wait after the first one that is not, and
    the longest wait (each further failure doubles it up to that)."""

    free_failures: int
    first_delay: timedelta
    max_delay: timedelta


def delay_after(failures: int, policy: GuessPolicy) -> timedelta | None:
    """The wait before the next guess once `failures` wrong passwords came in a row (None: no wait)."""
    if failures < policy.free_failures:
        return None
    doublings = min(failures - policy.free_failures, 32)
    return min(policy.first_delay * (2**doublings), policy.max_delay)


def waits_until(failures: int, policy: GuessPolicy, now: datetime) -> datetime | None:
    """When the next guess may come after the failure numbered `failures`."""
    delay = delay_after(failures, policy)
    return None if delay is None else now + delay


def waiting_schedule(policy: GuessPolicy, now: datetime) -> list[tuple[int, datetime]]:
    """(failure number, next guess allowed at) for every failure whose wait is below the longest,
    so that one UPDATE can count a failure and start its wait together."""
    schedule: list[tuple[int, datetime]] = []
    failures = policy.free_failures
    while True:
        delay = delay_after(failures, policy)
        assert delay is not None
        schedule.append((failures, now + delay))
        if delay >= policy.max_delay:
            return schedule
        failures += 1
