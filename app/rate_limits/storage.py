"""Flask-Limiter's per-process memory storage without its clean-up thread."""

from __future__ import annotations

import bisect
import time
from array import array

from limits.storage import MemoryStorage

# How often a process's own counts drop the hits that have left every window.
_SWEEP_SECONDS = 60.0


class ProcessMemoryStorage(MemoryStorage):
    """`memory://` as Flask-Limiter's memory storage counts it, with two changes:
    - no clean-up thread: that storage starts a new thread 10 ms after nearly every hit to drop
      expired hits, which cost a request more CPU than the rest of the throttle. A window counts
      only the hits inside it anyway, so dropping old ones is housekeeping, done here in the
      request itself at most once a minute;
    - a moving window's hits are kept as one array of the times they expire, oldest first (8
      bytes a hit), where the base class keeps an object per hit, newest first (about 140 bytes,
      and every hit shifted the whole list): a worker holds every counted hit of the last hour.
    The answers are the base class's."""

    STORAGE_SCHEME = ["tierdesk-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the one thread the base class starts, ended at once
        self.timer.join()
        self._next_sweep = time.monotonic() + _SWEEP_SECONDS
        self.hits: dict[str, array[float]] = {}

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        self._MemoryStorage__schedule_expiry()
        with self.locks[key]:
            hits = self.hits.setdefault(key, array("d"))
            now = time.time()
            # Refused when the hit `limit - amount` places back from the newest is still in the
            # window (it expires after now).
            back = len(hits) - 1 - (limit - amount)
            if back >= 0 and hits[back] >= now:
                return False
            hits.extend([now + expiry] * amount)
            return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """The start of the window (when its oldest hit was counted) and the hits in it."""
        now = time.time()
        hits = self.hits.get(key)
        if not hits:
            return now, 0
        first = bisect.bisect_right(hits, now)
        if first == len(hits):
            return hits[0] - expiry, 0
        return hits[first] - expiry, len(hits) - first

    def clear(self, key: str) -> None:
        super().clear(key)
        self.hits.pop(key, None)

    def reset(self) -> int | None:
        counted = max(len(self.storage), len(self.hits))
        super().reset()
        self.hits.clear()
        return counted

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the base class's private one
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + _SWEEP_SECONDS
            self.sweep()

    def sweep(self) -> None:
        """Drop the hits that have left every window, and the keys left with none (the base
        class kept a key per address ever seen)."""
        now = time.time()
        for key in list(self.hits):
            with self.locks[key]:
                hits = self.hits.get(key)
                if hits:
                    del hits[: bisect.bisect_right(hits, now)]
                emptied = not hits
                if emptied:
                    self.hits.pop(key, None)
            if emptied and key not in self.storage:
                self.locks.pop(key, None)
        for key in list(self.expirations):
            if self.expirations[key] <= now:
                self.storage.pop(key, None)
                self.expirations.pop(key, None)
                self.locks.pop(key, None)


def storage_uri(configured: str) -> str:
    """The storage Flask-Limiter is given: per-process memory counts without a clean-up thread."""
    if configured.startswith("memory://"):
        return "tierdesk-memory://" + configured.removeprefix("memory://")
    return configured
