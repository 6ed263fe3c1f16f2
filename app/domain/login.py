"""Slowing down password guessing: lock an account for a while after repeated failures."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class LoginState:
    failures: int
    locked_until: datetime | None


def is_locked(state: LoginState, now: datetime) -> bool:
    return state.locked_until is not None and state.locked_until > now


def minutes_left(state: LoginState, now: datetime) -> int:
    if not is_locked(state, now):
        return 0
    assert state.locked_until is not None
    seconds = (state.locked_until - now).total_seconds()
    return max(1, math.ceil(seconds / 60))


def after_failure(state: LoginState, now: datetime, max_failures: int, lock_minutes: int) -> LoginState:
    """Count a failure; the max-th failure in a row locks the account for lock_minutes."""
    failures = state.failures + 1
    if failures >= max_failures:
        return LoginState(failures=0, locked_until=now + timedelta(minutes=lock_minutes))
    return LoginState(failures=failures, locked_until=state.locked_until)


def after_success() -> LoginState:
    return LoginState(failures=0, locked_until=None)
