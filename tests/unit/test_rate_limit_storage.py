"""Throttle counts kept in the process's memory: the same answers as Flask-Limiter's memory
storage, without starting a clean-up thread at each hit."""

from __future__ import annotations

import threading

from limits import RateLimitItemPerHour, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import MemoryStorage, storage_from_string
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
    (gone,) = (key for key in storage.hits if "gone" in key)
    (kept,) = (key for key in storage.hits if "kept" in key)
    storage.hits[gone][0] -= 2  # as if its second had passed
    limiter.hit(RateLimitItemPerMinute(3), "kept")
    assert gone in storage.hits  # not before the sweep is due
    storage._next_sweep = 0.0
    limiter.hit(RateLimitItemPerMinute(3), "kept")
    assert gone not in storage.hits
    assert gone not in storage.locks
    assert len(storage.hits[kept]) == 3


def test_a_hit_is_kept_as_one_number():
    storage = ProcessMemoryStorage()
    limiter = MovingWindowRateLimiter(storage)
    for _ in range(1000):
        limiter.hit(RateLimitItemPerHour(1_000_000), "busy")
    (hits,) = storage.hits.values()
    assert len(hits) == 1000
    assert hits.itemsize == 8
    assert not storage.events


def test_the_same_answers_as_flask_limiters_memory_storage():
    ours, theirs = ProcessMemoryStorage(), MemoryStorage()
    mine, base = MovingWindowRateLimiter(ours), MovingWindowRateLimiter(theirs)
    try:
        items = [RateLimitItemPerMinute(5), RateLimitItemPerHour(3), RateLimitItemPerMinute(1)]
        for n in range(40):
            item, key, cost = items[n % 3], f"key:{n % 4}", 1 + n % 2
            assert mine.test(item, key, cost=cost) == base.test(item, key, cost=cost)
            assert mine.hit(item, key, cost=cost) == base.hit(item, key, cost=cost)
            ours_stats, their_stats = mine.get_window_stats(item, key), base.get_window_stats(item, key)
            assert ours_stats.remaining == their_stats.remaining
            assert abs(ours_stats.reset_time - their_stats.reset_time) < 1
        mine.clear(items[0], "key:0")
        base.clear(items[0], "key:0")
        assert mine.get_window_stats(items[0], "key:0").remaining == 5
        assert base.get_window_stats(items[0], "key:0").remaining == 5
        assert mine.hit(items[1], "key:1") == base.hit(items[1], "key:1")
    finally:
        theirs.timer.cancel()
