"""Turns at the write lock between the endpoint processes on SQLite.

SQLite lets one writer in at a time; a process that finds the lock taken polls for it with
growing sleeps (1, 2, 5, 10 ms…), so with two endpoint processes a mail often waits well after
the other one committed. The processes of one `flask mail serve` therefore queue for the lock
on a kernel file lock first: a waiter is woken the moment the holder lets go, and a process
that dies holding it releases it with its last descriptor. Other writers (the web app, the
scheduler) still meet the endpoint at SQLite's own lock, as before."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

_turn_file: int | None = None


def shared_turns() -> int:
    """A lock file for the processes about to be forked (a descriptor of an unnamed file)."""
    handle, path = tempfile.mkstemp(prefix="tierdesk-mail-turns-")
    os.unlink(path)
    return handle


def take_turns(shared: int) -> None:
    """In a forked endpoint process: wait for its turn on `shared` before each mail's write.
    Each process opens the file anew, so each holds a lock of its own."""
    global _turn_file
    _turn_file = os.open(f"/proc/self/fd/{shared}", os.O_RDWR)


@contextmanager
def turn() -> Iterator[None]:
    """This process's turn to write (at once outside a several-process endpoint)."""
    if _turn_file is None:
        yield
        return
    fcntl.flock(_turn_file, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(_turn_file, fcntl.LOCK_UN)
