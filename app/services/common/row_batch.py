"""Rows collected for one INSERT per table instead of one ORM object each.

The SLA sweep's batch path writes thousands of history rows at a time: it hands a RowBatch to the
functions that write them, and inserts the collected rows at the end of the batch. Everywhere
else those functions are given no batch and add model objects to the session.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

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
        that name different columns (a customer's notice and an agent's) go in one statement per
        set of columns, so that each column left out keeps its default."""
        for model, values in self._rows.items():
            shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in values:
                shapes.setdefault(tuple(row), []).append(row)
            for rows in shapes.values():
                # The table, not the model: a plain executemany, without the ORM's bulk bookkeeping.
                insert_many(model.__table__, rows)


def add_row(model: type[Base], values: dict[str, Any], rows: RowBatch | None) -> Any:
    """Add a row: to the batch's INSERT when there is a batch (returns None), else as a model
    object in the session (returned)."""
    if rows is not None:
        rows.add(model, values)
        return None
    instance = model(**values)
    db.session.add(instance)
    return instance
