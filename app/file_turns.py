"""Turns among the processes that write one SQLite file (web workers, the scheduler, the mail
endpoint): a writer holds an exclusive `flock` on `<database>-writer` from just before its
`BEGIN IMMEDIATE` until its COMMIT or ROLLBACK has returned.

SQLite's own busy handler, which a writer of another process otherwise waits in, sleeps 1, 2, 5,
10 ms and longer between its tries: under steady writing (two workers opening tickets) a worker
whose turn came up was often still asleep, and both cores sat idle. Here a waiting writer asks
again every tenth of a millisecond, and the holder lets go only once its commit is done, so the
next one finds SQLite's lock free. Up to the busy timeout: then it goes on to ask SQLite, which
still decides; a process that does not take turns (the sqlite3 shell) is waited for by SQLite's
busy handler as before. The kernel drops a dead process's lock with its descriptor.

One writer of a process holds the turn at a time (database.py's process lock is taken first), so
the holder is kept per process, with the driver connection it began on: only that connection's
commit or rollback ends it."""

from __future__ import annotations

import fcntl
import os
import time
from typing import Any

from sqlalchemy.engine import Engine

POLL_SECONDS = 0.0001

_descriptors: dict[tuple[int, str], int] = {}  # (process, database file) -> its lock file
_holder: list[Any] = [None, -1]  # the driver connection holding this process's turn, and its lock


def lock_path(database: str | None) -> str | None:
    """The lock file beside a SQLite database file; None for an in-memory database."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return f"{database}-writer"


def take(engine: Engine, driver_connection: Any, timeout: float) -> bool:
    """Wait up to `timeout` seconds for this process's turn on the engine's file; whether it
    was taken (a database without a file, or a lock file that cannot be made, takes none)."""
    descriptor = _descriptor(engine)
    if descriptor is None:
        return False
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_SECONDS)
            continue
        _holder[:] = [driver_connection, descriptor]
        return True


def end(driver_connection: Any) -> None:
    """The turn ends if this connection holds it (after its commit or rollback, or when it goes
    back to the pool or is dropped)."""
    if _holder[0] is not None and _holder[0] is driver_connection:
        descriptor = _holder[1]
        _holder[:] = [None, -1]
        fcntl.flock(descriptor, fcntl.LOCK_UN)


def held() -> bool:
    """Whether a connection of this process holds the turn (for tests and diagnostics)."""
    return _holder[0] is not None


def _descriptor(engine: Engine) -> int | None:
    path = lock_path(engine.url.database)
    if path is None:
        return None
    # Per process: a descriptor inherited across a fork shares its lock with the parent's.
    key = (os.getpid(), path)
    descriptor = _descriptors.get(key)
    if descriptor is None:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            descriptor = -1  # a folder this process cannot write in: SQLite's busy handler alone
        _descriptors[key] = descriptor
    return descriptor if descriptor >= 0 else None
