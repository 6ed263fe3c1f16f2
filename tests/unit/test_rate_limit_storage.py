"""Throttle counts kept in the process's memory: the same answers as Flask-Limiter's memory
storage, without starting a clean-up thread at each hit."""

from __future__ import annotations

import threading

from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.rate_limits import ProcessMemoryStorage, storage_uri


def test_memory_means_the_process_storage_and_other_stores_are_left_alone():
    assert isinstance(storage_from_string(storage_uri("memory://")), ProcessMemoryStorage)
    assert storage_uri("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


def test_a_moving_window_lets_the_limit_through_and_refuses_the_next():
    limiter = MovingWindowRateLimiter(ProcessMemoryStorage())
    five = RateLimitItemPerMinute(5)
    assert all(limiter.hit(five, "user:1") for _ in range(5))
    assert not limiter.hit(five, "user:1")
    assert limiter.hit(five, "user:2")  # each key counts on its own


def test_hits_start_no_threads():
    storage = ProcessMemoryStorage()
    limiter = MovingWindowRateLimiter(storage)
    before = {thread.ident for thread in threading.enumerate()}
    for n in range(200):
        limiter.hit(RateLimitItemPerMinute(1000), f"address:{n % 7}")
    started = {thread.ident for thread in threading.enumerate()} - before
    assert not started
    assert not storage.timer.is_alive()


def test_the_sweep_drops_hits_that_left_their_window():
    storage = ProcessMemoryStorage()
    limiter = MovingWindowRateLimiter(storage)
    limiter.hit(RateLimitItemPerSecond(3), "gone")
    limiter.hit(RateLimitItemPerMinute(3), "kept")
    (gone,) = (key for key in storage.events if "gone" in key)
    (kept,) = (key for key in storage.events if "kept" in key)
    for entry in storage.events[gone]:  # as if its second had passed
        entry.expiry -= 2
        entry.atime -= 2
    limiter.hit(RateLimitItemPerMinute(3), "kept")
    assert gone in storage.events  # not before the sweep is due
    storage._next_sweep = 0.0
    limiter.hit(RateLimitItemPerMinute(3), "kept")
    assert gone not in storage.events
    assert len(storage.events[kept]) == 3
