"""Flask-Limiter's per-process memory storage without its clean-up thread."""

from __future__ import annotations

import time

from limits.storage import MemoryStorage

# How often a process's own counts drop the hits that have left every window.
_SWEEP_SECONDS = 60.0


class ProcessMemoryStorage(MemoryStorage):
    """`memory://` as Flask-Limiter's memory storage counts it, without its clean-up thread: that
    storage starts a new thread 10 ms after nearly every hit to drop expired hits, which cost a
    request more CPU than the rest of the throttle. A window counts only the hits inside it
    anyway, so dropping old ones is housekeeping, done here in the request itself at most once a
    minute."""

    STORAGE_SCHEME = ["tierdesk-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the one thread the base class starts, ended at once
        self.timer.join()
        self._next_sweep = time.monotonic() + _SWEEP_SECONDS

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the base class's private one
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + _SWEEP_SECONDS
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]
            # The base class empties a key's list but keeps the key: one per address ever seen.
            for key in list(self.events):
                with self.locks[key]:
                    emptied = not self.events.get(key)
                    if emptied:
                        self.events.pop(key, None)
                if emptied:
                    self.locks.pop(key, None)


def storage_uri(configured: str) -> str:
    """The storage Flask-Limiter is given: per-process memory counts without a clean-up thread."""
    if configured.startswith("memory://"):
        return "tierdesk-memory://" + configured.removeprefix("memory://")
    return configured
