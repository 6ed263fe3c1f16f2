"""Rows collected for one INSERT per table instead of one ORM object each.

The SLA sweep's batch path writes thousands of history rows at a time: it hands a RowBatch to the
functions that write them, and inserts the collected rows at the end of the batch. Everywhere
else those functions are given no batch and add model objects to the session.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import JSON, Table, null

from app.extensions import Base, db
from app.services.common.many_rows import insert_many


class RowBatch:
    """Rows waiting for their INSERT, per model, in the order they were collected."""

    __slots__ = ("_answers", "_rows")

    def __init__(self) -> None:
        self._rows: dict[type[Base], list[dict[str, Any]]] = {}
        self._answers: dict[Hashable, Any] = {}

    def once(self, key: Hashable, answer: Callable[[], Any]) -> Any:
        """`answer()`, asked once per batch: for what cannot change within the batch's own
        transaction (which webhooks listen to an event), asked for each of its thousands of rows."""
        if key not in self._answers:
            self._answers[key] = answer()
        return self._answers[key]

    def add(self, model: type[Base], values: dict[str, Any]) -> None:
        self._rows.setdefault(model, []).append(values)

    def of(self, model: type[Base]) -> list[dict[str, Any]]:
        """The rows collected so far for one model (the list itself: it grows as the batch does)."""
        return self._rows.setdefault(model, [])

    def write(self) -> None:
        """Insert the collected rows inside the caller's transaction, one statement per model.

        Plain table inserts: the rows need no ids back and no ORM bookkeeping. Rows of one model
        that name different columns (a customer's notice and an agent's) are given the columns
        they leave out, each as it would have been stored (its constant default, or NULL), and
        go in one statement; when a column left out is computed at the INSERT (by the database
        or per row), each set of columns goes in its own statement instead."""
        for model, values in self._rows.items():
            table = model.__table__
            shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in values:
                shapes.setdefault(tuple(row), []).append(row)
            if len(shapes) > 1:
                filled = _with_every_column(table, list(shapes), values)
                if filled is not None:
                    insert_many(table, filled)
                    continue
            for rows in shapes.values():
                # The table, not the model: a plain executemany, without the ORM's bulk bookkeeping.
                insert_many(table, rows)


# What a column left out of an INSERT is stored as, per table and column; None when the INSERT
# computes it (a server default, a default computed per row): such a column cannot be filled in.
_left_out: dict[tuple[Table, str], tuple[Any] | None] = {}


def _stored_when_left_out(table: Table, key: str) -> tuple[Any] | None:
    if (table, key) in _left_out:
        return _left_out[(table, key)]
    column = table.c[key]
    value: tuple[Any] | None
    if column.default is not None:
        default = column.default
        value = (default.arg,) if default.is_scalar else None  # type: ignore[attr-defined]
    elif column.server_default is not None:
        value = None
    elif isinstance(column.type, JSON):
        value = (null(),)  # SQL NULL: a JSON column stores None as the JSON null
    else:
        value = (None,)
    _left_out[(table, key)] = value
    return value


def _with_every_column(
    table: Table, shapes: list[tuple[str, ...]], rows: list[dict[str, Any]]
) -> list[dict[str, Any]] | None:
    """The rows, each with every column any of them names (in the order they were collected),
    or None when a column left out cannot be filled in as the INSERT would have stored it."""
    keys = list(dict.fromkeys(key for shape in shapes for key in shape))
    fills: dict[str, Any] = {}
    for shape in shapes:
        for key in keys:
            if key not in shape and key not in fills:
                stored = _stored_when_left_out(table, key)
                if stored is None:
                    return None
                fills[key] = stored[0]
    return [{key: row[key] if key in row else fills[key] for key in keys} for row in rows]


def add_row(model: type[Base], values: dict[str, Any], rows: RowBatch | None) -> Any:
    """Add a row: to the batch's INSERT when there is a batch (returns None), else as a model
    object in the session (returned)."""
    if rows is not None:
        rows.add(model, values)
        return None
    instance = model(**values)
    db.session.add(instance)
    return instance
