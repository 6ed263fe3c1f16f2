"""One transaction per use case: commit on success, roll back on any error.

On SQLite the use case's transaction begins with the write lock taken (see `app.database`): a
read transaction the request opened before (loading the signed-in user, say) takes the lock too.
Objects loaded in it keep what they read, as they would under PostgreSQL's read committed: a
ticket read before still carries the version it showed, so writing it over a newer one is a
Conflict, and what the use case reads next it reads under the lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_app_context
from sqlalchemy.orm.exc import StaleDataError

from app.database import begin_sqlite_transaction, is_sqlite, writing
from app.domain.errors import Conflict
from app.extensions import db

_inside: ContextVar[bool] = ContextVar("inside_transaction", default=False)


@contextmanager
def transaction() -> Iterator[None]:
    """Run a block as one transaction; a lost optimistic-lock race becomes a Conflict. A block
    inside another one joins it: the outer one commits or rolls back."""
    if _inside.get():
        yield
        return
    token = _inside.set(True)
    try:
        with writing():
            _end_read_transaction()
            try:
                yield
                db.session.commit()
                _note_commit()
            except StaleDataError as exc:
                db.session.rollback()
                raise Conflict(
                    "Someone else changed this ticket a moment ago. Reload it and try again."
                ) from exc
            except BaseException:
                db.session.rollback()
                raise
    finally:
        _inside.reset(token)


def _note_commit() -> None:
    """Remember, for this request, that a unit of work was stored: if the page then cannot be
    shown (the database went away after the commit), the error page says it was saved."""
    if has_app_context():
        g.committed_write = True


def committed_in_this_request() -> bool:
    return has_app_context() and bool(g.get("committed_write", False))


def _end_read_transaction() -> None:
    """On SQLite, make a transaction that has only read begin again with the write lock.

    The driver runs reads without a transaction of its own (it begins one only to write), so a
    session that has only read holds no snapshot: the lock is taken on its connection as a new
    transaction's would be, and the commit ends it. Ending the session's transaction instead
    would hand the connection back to the pool and take it out again, which costs more than the
    statements of a small write. A connection whose driver did begin a transaction (a write
    outside a unit of work) has that transaction committed first."""
    session = db.session()  # the current scoped session itself
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    if is_sqlite(session.get_bind()):
        connection = session.connection()
        driver = connection.connection.driver_connection
        if driver is not None and not driver.in_transaction:
            begin_sqlite_transaction(connection)
            return
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
