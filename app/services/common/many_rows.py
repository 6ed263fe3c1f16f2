"""One INSERT or UPDATE run for thousands of rows, with as little work per row as the driver allows.

The SLA sweep writes each batch's rows with one executemany per statement. Through the session,
SQLAlchemy builds a parameter dict for every row and sends each value through its column type's
converter, which costs more than SQLite's own work for the row. On SQLite the rows here go to
the driver as tuples instead, each value still converted by its column type's own converter, and
a value met again (the batch's one `now`, a status) converted once. Other databases take the
session's path, where SQLAlchemy batches the rows for the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert, Table, Update, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeEngine

from app.extensions import db
from app.models.types import UTCDateTime
from app.services.common.rows import rows_matched

# Plain INSERTs of a table compiled for a set of columns, per dialect: compiling one costs more
# than running it for the few rows of a ticket's opening.
_compiled_inserts: dict[tuple[Table, tuple[str, ...], str], SQLCompiler] = {}


def insert_many(table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (every row with the same keys) into `table` in the session's transaction."""
    if rows:
        execute_many(insert(table), rows, cache_as=table)


def execute_many(
    statement: Insert | Update, rows: Sequence[dict[str, Any]], *, cache_as: Table | None = None
) -> int:
    """Run `statement` once per row (every row with the same keys) in the session's
    transaction; returns how many rows it matched (for an UPDATE). `cache_as`: the statement is
    a plain INSERT into that table, compiled once per set of columns."""
    if not rows:
        return 0
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name == "sqlite":
        keys = tuple(rows[0])
        known = _compiled_inserts.get((cache_as, keys, dialect.name)) if cache_as is not None else None
        if known is None:
            made = statement.compile(dialect=dialect, column_keys=list(keys))
            assert isinstance(made, SQLCompiler)
            known = made
            if cache_as is not None:
                _compiled_inserts[(cache_as, keys, dialect.name)] = known
        compiled = known
        columns = _columns(compiled, dialect, rows)
        if columns is not None:
            return connection.exec_driver_sql(compiled.string, list(zip(*columns, strict=True))).rowcount
    return rows_matched(db.session.execute(statement, rows))


def _columns(
    compiled: SQLCompiler, dialect: Dialect, rows: Sequence[dict[str, Any]]
) -> list[list[Any]] | None:
    """The driver's values, position by position; None when the statement needs SQLAlchemy's
    own execution (a default computed per row, a parameter it renames)."""
    if not compiled.positional or compiled.positiontup is None or compiled.escaped_bind_names:
        return None
    defaults = {column.key: column for column in (*compiled.insert_prefetch, *compiled.update_prefetch)}
    keys = rows[0].keys()
    columns: list[list[Any]] = []
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if name in keys:
            values = [row[name] for row in rows]
            if convert is None:
                columns.append(values)
            elif _converts_alike(bind.type):
                # Equal values convert alike here: each distinct one (the batch's `now`) once.
                converted = {value: convert(value) for value in set(values)}
                columns.append([converted[value] for value in values])
            else:
                columns.append([convert(value) for value in values])
            continue
        if name in defaults:
            default = defaults[name].default
            if default is None or not default.is_scalar:
                return None
            value = default.arg  # type: ignore[attr-defined]
        elif bind.callable is not None or bind.required:
            return None
        else:
            value = bind.value  # a literal of the statement itself (the 1 of version + 1)
        columns.append([convert(value) if convert else value] * len(rows))
    return columns


def _converts_alike(type_: TypeEngine[Any]) -> bool:
    """Whether equal values of the column convert alike: UTC datetimes (equal ones are one
    instant, written in UTC) and strings, enumerations included. Not numbers (1 == True, yet
    JSON writes them apart) nor other datetimes (equal instants in two zones are written apart)."""
    if isinstance(type_, UTCDateTime):
        return True
    try:
        return issubclass(type_.python_type, str)
    except NotImplementedError:
        return False
