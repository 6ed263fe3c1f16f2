"""Row helpers: looking up a row by an id that came from outside (a form, a URL, a JSON body),
counting the rows a write matched, and the INSERT that can say what to do on a duplicate key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import CursorResult, Result
from sqlalchemy.dialects import sqlite

from app.domain.ids import is_row_id
from app.extensions import db

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql

Model = TypeVar("Model")


def find_row(model: type[Model], row_id: int | None) -> Model | None:
    """The row, or None when there is none, including for a number no row id can be (a
    database would refuse it with an error rather than find nothing)."""
    return db.session.get(model, row_id) if is_row_id(row_id) else None


def rows_matched(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched: Session.execute is typed to return a plain
    Result, and for these statements it returns the CursorResult that counts them."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"a {type(result).__name__} does not count rows")
    return result.rowcount


def insert_on_conflict(model: type[Model]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT with `on_conflict_do_nothing`/`_do_update` for this database (both dialects we
    run on have them under the same names). The PostgreSQL dialect is imported only where it is
    the database: on SQLite no process loads it (see models.partial_index)."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        return insert(model)
    return sqlite.insert(model)
