"""Turns among the processes that write one SQLite file (web workers, the scheduler, the mail
endpoint): a writer holds an exclusive `flock` on `<database>-writer` from just before its
`BEGIN IMMEDIATE` until its COMMIT or ROLLBACK has returned.

SQLite's own busy handler, which a writer of another process otherwise waits in, sleeps 1, 2, 5,
10 ms and longer between its tries: under steady writing (two workers opening tickets) a worker
whose turn came up was often still asleep, and both cores sat idle. Here a waiting writer sleeps
in the kernel's `flock` and is woken the moment the holder lets go, which it does only once its
commit is done, so the next one finds SQLite's lock free. Up to the busy timeout (an alarm ends
the wait; only a process's main thread can take signals, so its other threads ask again every
tenth of a millisecond instead): then it goes on to ask SQLite, which still decides; a process
that does not take turns (the sqlite3 shell) is waited for by SQLite's busy handler as before.
The kernel drops a dead process's lock with its descriptor.

One writer of a process holds the turn at a time (database.py's process lock is taken first), so
the holder is kept per process, with the driver connection it began on: only that connection's
commit or rollback ends it."""

from __future__ import annotations

import fcntl
import os
import signal
import threading
import time
from types import FrameType
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
    if not (_try(descriptor) or _wait(descriptor, timeout)):
        return False
    _holder[:] = [driver_connection, descriptor]
    return True


def end(driver_connection: Any) -> bool:
    """The turn ends if this connection holds it (after its commit or rollback, or when it goes
    back to the pool or is dropped); whether it did."""
    if _holder[0] is None or _holder[0] is not driver_connection:
        return False
    descriptor = _holder[1]
    _holder[:] = [None, -1]
    fcntl.flock(descriptor, fcntl.LOCK_UN)
    return True


def _try(descriptor: int) -> bool:
    """Take the lock if it is free (also true when this descriptor holds it already)."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _wait(descriptor: int, timeout: float) -> bool:
    if timeout <= 0:
        return False
    if _alarm_is_free():
        return _wait_blocking(descriptor, timeout)
    return _wait_polling(descriptor, timeout)


def _alarm_is_free() -> bool:
    """Whether this thread may set the process's alarm: the main thread (the kernel hands the
    alarm to it while it sleeps), not blocking SIGALRM, with no handler of it installed and no
    alarm set by anyone else."""
    return (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
        and signal.SIGALRM not in signal.pthread_sigmask(signal.SIG_BLOCK, ())
    )


class _TimedOut(Exception):
    pass


_sleeping = [False]  # whether the alarm may still end a wait in flock


def _time_out(_signal: int, _frame: FrameType | None) -> None:
    # Python runs a handler at its next check, which may come after the wait has ended (even
    # as the handler is put back): then the alarm changes nothing.
    if _sleeping[0]:
        raise _TimedOut


def _wait_blocking(descriptor: int, timeout: float) -> bool:
    """Sleep in `flock` until the lock is ours or the alarm rings after `timeout` seconds."""
    signal.signal(signal.SIGALRM, _time_out)
    try:
        _sleeping[0] = True
        signal.setitimer(signal.ITIMER_REAL, timeout)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        _sleeping[0] = False
        return True
    except _TimedOut:
        # The alarm may ring just after the kernel granted the lock: then this descriptor has it.
        _sleeping[0] = False
        return _try(descriptor)
    finally:
        _sleeping[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def _wait_polling(descriptor: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not _try(descriptor):
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


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
