from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.login import LoginState, after_failure, after_success, is_locked, minutes_left

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_the_fifth_failure_in_a_row_locks_the_account():
    state = LoginState(failures=0, locked_until=None)
    for _ in range(4):
        state = after_failure(state, NOW, max_failures=5, lock_minutes=15)
        assert not is_locked(state, NOW)
    state = after_failure(state, NOW, max_failures=5, lock_minutes=15)
    assert is_locked(state, NOW)
    assert minutes_left(state, NOW) == 15
    assert minutes_left(state, NOW + timedelta(minutes=14, seconds=30)) == 1


def test_a_lock_expires():
    state = LoginState(failures=0, locked_until=NOW + timedelta(minutes=15))
    assert is_locked(state, NOW + timedelta(minutes=14))
    assert not is_locked(state, NOW + timedelta(minutes=15))
    assert minutes_left(state, NOW + timedelta(minutes=20)) == 0


def test_success_clears_failures():
    assert after_success() == LoginState(failures=0, locked_until=None)
