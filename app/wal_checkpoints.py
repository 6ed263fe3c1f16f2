"""When SQLite copies its write-ahead log back into the database file (a checkpoint, which waits
for the disk twice).

SQLite checkpoints inside the COMMIT that took the log past `wal_autocheckpoint` pages, and the
writer's turn among processes (file_turns) lasts until that COMMIT has returned: under steady
writing every twentieth opening or so held the turn several milliseconds longer while the other
worker waited. So a process checkpoints after its turn has ended instead, every few write
commits, PASSIVE (it waits for nobody, and the other writers go on); SQLite's own, at four times
its default, is left for the large writes that outrun those. Work that commits several large
batches in a row defers both to one checkpoint at its end (`one_checkpoint`)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy.exc import DBAPIError

from app.extensions import db

WAL_AUTOCHECKPOINT_PAGES = 4000
CHECKPOINT_EVERY_WRITES = 20

_deferred: ContextVar[bool] = ContextVar("checkpoint_deferred", default=False)
_writes_since_checkpoint = [0]


@contextmanager
def one_checkpoint() -> Iterator[None]:
    """SQLite: transactions begun inside this block do not copy the write-ahead log back into the
    database as they commit (each such checkpoint waits for the disk twice); one checkpoint at
    the end does it for all of them. For work that commits several large batches in a row. The
    other connections, and these ones once back in the pool, checkpoint as usual."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
        if db.engine.dialect.name == "sqlite":
            # PASSIVE: it waits for no reader or writer, and whatever it leaves the next commit's
            # checkpoint finishes.
            with contextlib.suppress(DBAPIError), db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def deferred() -> bool:
    """Whether transactions begun now leave their checkpoint to the end of `one_checkpoint`."""
    return _deferred.get()


def after_write_commit(driver: sqlite3.Connection) -> None:
    """Called once a write commit has given the turn back: every CHECKPOINT_EVERY_WRITES of them
    in this process, a PASSIVE checkpoint (none inside `one_checkpoint`)."""
    _writes_since_checkpoint[0] += 1
    if _writes_since_checkpoint[0] < CHECKPOINT_EVERY_WRITES or _deferred.get():
        return
    _writes_since_checkpoint[0] = 0
    with contextlib.suppress(sqlite3.Error):
        driver.execute("PRAGMA wal_checkpoint(PASSIVE)").close()
