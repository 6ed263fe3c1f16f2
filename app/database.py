"""Engine settings per database: SQLite gets WAL, foreign keys, a busy timeout, and write
transactions that take their lock when they begin.

SQLite lets one writer at a time. A transaction that reads first and writes later holds a read
snapshot; if another writer commits in between, its write is refused at once ("database is
locked"), whatever the busy timeout, because waiting could not make its snapshot current. So a
unit of work that will write begins with `BEGIN IMMEDIATE`: it waits (up to the busy timeout) for
the write lock before its first read, and then nothing can get in between. Code marks such work
with `writing()`; everything else reads as the driver does by default, each statement seeing the
latest commit.

Within one process (a threaded gunicorn worker, the scheduler's job threads) writers also queue
on a lock of their own before asking SQLite: SQLite's busy handler polls with growing sleeps and
no order, so under load a thread could lose every turn until its busy timeout ran out, while a
lock hands the turns out as they come.

Each SQLite connection keeps a page cache of its own, which fills as the database grows and stays
full: its size is set per kind of process. Commands, the scheduler and reports keep the large one
(`SQLITE_CACHE_MB`, 32 MB: whole indexes stay in memory for a sweep or a rebuild); a web worker
sets its smaller one after the fork (`WEB_SQLITE_CACHE_MB` in gunicorn.conf.py, see
`use_page_cache`), since a request reads a few pages of a few indexes and the operating system's
file cache, shared by every worker, holds the rest."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import ConnectionPoolEntry

from app import file_turns, wal_checkpoints
from app.extensions import db
from app.wal_checkpoints import WAL_AUTOCHECKPOINT_PAGES

BUSY_TIMEOUT_MS = 10_000
OPTIMIZE_WAIT_MS = 20
OPTIMIZE_EVERY_SECONDS = 300
ANALYSIS_LIMIT = 1000
# The page cache `PRAGMA optimize` reads through, in KiB: the index pages it samples (2 to 8 MB
# at 10,000 tickets) would otherwise stay in the connection's cache, in every web worker.
OPTIMIZE_CACHE_KIB = 256
_HOLDS_WRITER = "holds_process_writer_lock"
_DEFERS_CHECKPOINT = "defers_wal_checkpoint"
_process_writer = threading.Lock()

DEFAULT_PAGE_CACHE_MB = 32
_PAGE_CACHE = "sqlite_page_cache"


@dataclass(slots=True)
class PageCache:
    """The page cache each new SQLite connection of an app's engine gets, in KiB."""

    kib: int


_write_lock_wanted: ContextVar[bool] = ContextVar("write_lock_wanted", default=False)


@contextmanager
def writing() -> Iterator[None]:
    """Transactions begun inside this block take the write lock at once (SQLite; PostgreSQL
    locks rows as it writes and needs nothing)."""
    token = _write_lock_wanted.set(True)
    try:
        yield
    finally:
        _write_lock_wanted.reset(token)


def configure_engine_events(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":
        from app.models.partial_index import add_postgresql_conditions

        add_postgresql_conditions(db.metadata)
    if engine.dialect.name == "sqlite":
        cache = PageCache(_kib(app.config.get("SQLITE_CACHE_MB", DEFAULT_PAGE_CACHE_MB)))
        app.extensions[_PAGE_CACHE] = cache
        event.listen(engine, "connect", partial(_sqlite_connect, cache))
        event.listen(engine, "begin", begin_sqlite_transaction)
        event.listen(engine, "checkin", _sqlite_optimize)
        event.listen(engine, "commit", _release_after)
        event.listen(engine, "rollback", _release_after)
        # A connection returned or dropped with its transaction still open lets go too.
        event.listen(engine.pool, "checkin", _release_on_return)
        event.listen(engine.pool, "invalidate", _release_on_drop)
        _end_file_turns_after(engine)


def use_page_cache(app: Flask, megabytes: float) -> None:
    """Give the app's SQLite connections opened from now on a page cache of this size (a web
    worker after the fork, before its first connection). Nothing for PostgreSQL."""
    cache = app.extensions.get(_PAGE_CACHE)
    if cache is not None:
        cache.kib = _kib(megabytes)


def page_cache_kib(app: Flask) -> int | None:
    """The page cache the app's next SQLite connection gets, in KiB (None on PostgreSQL)."""
    cache = app.extensions.get(_PAGE_CACHE)
    return cache.kib if cache is not None else None


def _kib(megabytes: float) -> int:
    return max(1, round(float(megabytes) * 1024))


def close_sessions_quietly(app: Flask) -> None:
    """A connection the server dropped (a restart, a failover) must not turn a request that was
    answered into a 500 when its session closes afterwards: such a session is invalidated."""

    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (teardowns run in reverse).
    # It removes the session, so Flask-SQLAlchemy's teardown finds none to close a second time.
    @app.teardown_appcontext
    def _close(_error: BaseException | None) -> None:
        try:
            db.session.remove()
        except DBAPIError:
            db.session().invalidate()
            db.session.remove()


def _sqlite_connect(
    cache: PageCache, dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry
) -> None:
    # `begin_sqlite_transaction` says how each transaction begins; the pragmas below run outside any.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    # Negative: a size in KiB (SQLite's default is 2 MB). See the module's note on page caches.
    cursor.execute(f"PRAGMA cache_size=-{cache.kib}")
    # ANALYZE reads a sample of each index, not all of it: milliseconds at a million tickets.
    cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
    cursor.close()


def _sqlite_optimize(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
    """As a connection goes back to the pool, let SQLite gather the statistics its queries
    lacked. Without them the planner can pick an index that walks a million rows. At most once
    every few minutes per connection (an empty table is analysed again each time, since it leaves
    no statistics), and it never makes anyone wait: if the write lock is taken, it waits too."""
    now = time.monotonic()
    if now - record.info.get("optimized_at", -OPTIMIZE_EVERY_SECONDS) < OPTIMIZE_EVERY_SECONDS:
        return
    record.info["optimized_at"] = now
    cursor = dbapi_connection.cursor()
    cache_size = None
    try:
        cursor.execute(f"PRAGMA busy_timeout={OPTIMIZE_WAIT_MS}")
        cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
        # Sampled through a small cache, which drops the connection's cached pages too: the
        # requests after it read theirs again from the operating system's file cache.
        cursor.execute(f"PRAGMA cache_size=-{OPTIMIZE_CACHE_KIB}")
        cursor.execute("PRAGMA optimize")
    except sqlite3.Error:
        pass
    finally:
        with contextlib.suppress(sqlite3.Error):
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if cache_size is not None:
                cursor.execute(f"PRAGMA cache_size={int(cache_size)}")
        cursor.close()


def begin_sqlite_transaction(connection: Connection) -> None:
    """Begin a transaction on a SQLite connection the way this module's rules say: inside
    `writing()` with the write lock taken at once (this process's writer lock, then `BEGIN
    IMMEDIATE`), elsewhere the driver's deferred way, whose reads take no lock. Called by the
    engine as each transaction begins; `transaction()` calls it too, to make a connection that
    has only read (and holds no snapshot) begin again as a writer without going back to the
    pool. The connection must be checked out, with no transaction of the driver's open."""
    driver: sqlite3.Connection | None = connection.connection.driver_connection
    if driver is None:  # a connection that is beginning a transaction is checked out, never closed
        raise RuntimeError("a closed SQLite connection cannot begin a transaction")
    if wal_checkpoints.deferred() and not connection.info.get(_DEFERS_CHECKPOINT):
        driver.execute("PRAGMA wal_autocheckpoint=0")  # back to the default as it returns to the pool
        connection.info[_DEFERS_CHECKPOINT] = True
    if not _write_lock_wanted.get():
        # The driver's own way: reads see the latest commit (as under PostgreSQL's read committed),
        # and a write outside a unit of work begins its transaction at its first statement.
        driver.isolation_level = "DEFERRED"
        return
    driver.isolation_level = None  # nothing implicit: this transaction is begun here, as a writer
    # Bounded: after the busy timeout the writer asks SQLite anyway, which waits its own timeout.
    connection.info[_HOLDS_WRITER] = _process_writer.acquire(timeout=BUSY_TIMEOUT_MS / 1000)
    file_turns.take(connection.engine, driver, BUSY_TIMEOUT_MS / 1000)  # then the other processes'
    # On a driver cursor, with the connection's statement events and error handling, but without
    # the execution context and result object of `exec_driver_sql`: every write request begins so.
    cursor = connection.connection.cursor()
    try:
        connection._cursor_execute(cursor, "BEGIN IMMEDIATE", ())
    except BaseException:
        file_turns.end(driver)
        _release(connection.info)
        raise
    finally:
        cursor.close()


def _release(info: dict[object, object]) -> None:
    if info.pop(_HOLDS_WRITER, False):
        _process_writer.release()


def _release_after(connection: Connection) -> None:
    _release(connection.info)


def _end_file_turns_after(engine: Engine) -> None:
    """A writer's turn among processes ends once its COMMIT or ROLLBACK has returned: the
    engine's commit and rollback events come before them, so the dialect's own calls are wrapped
    (SQLAlchemy still turns their errors into its own)."""
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection: Any) -> None:
        driver = getattr(dbapi_connection, "driver_connection", dbapi_connection)
        try:
            commit(dbapi_connection)
        finally:
            wrote = file_turns.end(driver)
        if wrote:
            wal_checkpoints.after_write_commit(driver)

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            rollback(dbapi_connection)
        finally:
            file_turns.end(getattr(dbapi_connection, "driver_connection", dbapi_connection))

    setattr(dialect, "do_commit", do_commit)  # noqa: B010 - on this engine's dialect alone
    setattr(dialect, "do_rollback", do_rollback)  # noqa: B010


def _release_on_return(dbapi_connection: DBAPIConnection | None, record: ConnectionPoolEntry) -> None:
    file_turns.end(dbapi_connection)
    _release(record.info)
    if record.info.pop(_DEFERS_CHECKPOINT, False) and dbapi_connection is not None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        finally:
            cursor.close()


def _release_on_drop(
    dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry, _error: BaseException | None
) -> None:
    file_turns.end(dbapi_connection)
    _release(record.info)


def process_writer_busy() -> bool:
    """Whether a write transaction of this process holds its turn (for tests and diagnostics)."""
    return _process_writer.locked()


def gather_statistics(connection: Connection, *, full: bool = False) -> None:
    """Bring the query planner's statistics up to date and commit: SQLite's `PRAGMA optimize`
    (or a sampled ANALYZE of everything when `full`, after bulk loads); PostgreSQL's ANALYZE
    when `full` (autovacuum keeps them otherwise)."""
    if is_sqlite(connection):
        connection.exec_driver_sql("ANALYZE" if full else "PRAGMA optimize")
    elif full:
        connection.exec_driver_sql("ANALYZE")
    connection.commit()


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"
