"""Storage failures: the database cannot take a write (full disk, read-only file or server, a lost
connection, a lock not granted in time). Such a failure is the site's, not the request's: the user
is told nothing was lost and gets their typed text back to send again."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

# PostgreSQL error classes that mean "the server cannot store this now": a read-only transaction
# (25006), insufficient resources such as a full disk (53…), an operator intervention such as a
# shutdown or restart (57P…), and a lost connection (08…).
_STORAGE_SQLSTATES = ("25006", "53", "57P", "08")


def is_storage_failure(error: BaseException) -> bool:
    """True for a database error that says the store cannot save now, not that the request is wrong."""
    if isinstance(error, OperationalError):
        return True  # SQLite: read-only, full, I/O error, locked; PostgreSQL: connection and resources
    if isinstance(error, DBAPIError):
        sqlstate = str(getattr(error.orig, "sqlstate", "") or "")
        return sqlstate.startswith(_STORAGE_SQLSTATES)
    return False
