"""Statements that every request of a hot path runs, prepared once per process.

Through the session, each run of even a cached statement builds an ORM execution context, looks
its compiled form up by a cache key, builds a parameter dict and sends each value through its
column type's converter: a quarter of a millisecond or more, more than SQLite's own work for a
small read. On SQLite a prepared statement is compiled once (its literal lists expanded) into
the driver's SQL, a plan of where each value comes from and the converters of its result
columns, and each run hands the driver a tuple. It still goes through the connection
(statement events, error handling, the session's transaction). Other databases take the session's path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Executable

from app.extensions import db
from app.services.common.bind_values import bind_converter

# Where each positional value comes from: the caller's parameter (its key and the column type's
# converter), or a constant of the statement itself, converted once.
Slot = tuple[str | None, Callable[[Any], Any] | None, Any]


class PreparedStatement:
    """One statement and its driver SQL and plan per dialect, made at its first run."""

    __slots__ = ("_plans", "statement")

    def __init__(self, statement: ClauseElement) -> None:
        assert isinstance(statement, Executable)
        self.statement = statement
        self._plans: dict[str, _Plan] = {}

    def rows(self, parameters: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        """The rows the statement returns, each value converted by its column's type as the
        session would (an enumeration, an aware datetime)."""
        connection = db.session.connection()
        if connection.dialect.name != "sqlite":
            return db.session.execute(self.statement, dict(parameters)).all()
        found = self._run(connection, parameters, _fetch_all)
        results = self._plans[connection.dialect.name].results
        if not results:
            return found
        return [
            tuple(value if convert is None or value is None else convert(value) for convert, value in pairs)
            for pairs in (zip(results, row, strict=True) for row in found)
        ]

    def one(self, parameters: Mapping[str, Any]) -> Sequence[Any]:
        """The statement's one row."""
        rows = self.rows(parameters)
        if len(rows) != 1:
            raise LookupError(f"expected one row, got {len(rows)}")
        return rows[0]

    def execute(self, parameters: Mapping[str, Any]) -> int:
        """Run a write; returns the rows it matched."""
        connection = db.session.connection()
        if connection.dialect.name != "sqlite":
            result = connection.execute(self.statement, dict(parameters))
            return result.rowcount
        return self._run(connection, parameters, row_count)

    def _run(
        self, connection: Connection, parameters: Mapping[str, Any], outcome: Callable[[Any], Any]
    ) -> Any:
        plan = self._plans.get(connection.dialect.name)
        if plan is None:
            plan = self._plans[connection.dialect.name] = _prepare(
                self.statement, connection.dialect, parameters
            )
        values = tuple(
            constant if key is None else (convert(parameters[key]) if convert else parameters[key])
            for key, convert, constant in plan.slots
        )
        return run_on_driver(connection, plan.sql, values, outcome)


def run_on_driver(
    connection: Connection, sql: str, values: Sequence[Any], outcome: Callable[[Any], Any]
) -> Any:
    """Run driver SQL with its positional values and return `outcome(cursor)`.

    Straight on a driver cursor, as SQLAlchemy runs its own side statements (sequences,
    defaults): the statement events, echo and error handling (a DBAPIError, a dropped connection
    invalidated) are the connection's, without the execution context and result object that
    `exec_driver_sql` builds at every run."""
    cursor = connection.connection.cursor()
    try:
        connection._cursor_execute(cursor, sql, values)
        try:
            return outcome(cursor)
        except connection.dialect.loaded_dbapi.Error as error:
            connection._handle_dbapi_exception(error, sql, values, cursor, None)
    finally:
        cursor.close()


def _fetch_all(cursor: Any) -> list[Any]:
    rows: list[Any] = cursor.fetchall()
    return rows


def row_count(cursor: Any) -> int:
    """The rows the cursor's statement wrote or matched."""
    count: int = cursor.rowcount
    return count


class _Plan(NamedTuple):
    sql: str
    slots: tuple[Slot, ...]
    # Each result column's converter (None: the driver's value as it is); empty when none has one.
    results: tuple[Callable[[Any], Any] | None, ...]


def _prepare(statement: ClauseElement, dialect: Dialect, parameters: Mapping[str, Any]) -> _Plan:
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler) and compiled.positional
    for key in parameters:
        bind = compiled.binds.get(key)
        if bind is not None and bind.expanding:
            # Its items would be planned as constants: every later run would reuse these.
            raise ValueError(f"parameter {key} is a list: it cannot be prepared")
    # The expanded form: a literal list (`IN (...)`) becomes one placeholder per item.
    expanded = compiled.construct_expanded_state(dict(parameters))
    assert expanded.positiontup is not None
    slots: list[Slot] = []
    for name in expanded.positiontup:
        bind = compiled.binds.get(name)
        # None: an item of an expanded list.
        convert = expanded.processors.get(name) if bind is None else bind_converter(bind.type, dialect)
        if name in parameters:
            slots.append((name, convert, None))
        else:
            value = expanded.parameters[name]
            slots.append((None, None, convert(value) if convert else value))
    results: tuple[Callable[[Any], Any] | None, ...] = ()
    if isinstance(statement, Select):
        results = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        )
        if not any(results):
            results = ()
    return _Plan(expanded.statement, tuple(slots), results)
