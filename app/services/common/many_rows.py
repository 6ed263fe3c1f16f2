"""One INSERT or UPDATE run for thousands of rows, with as little work per row as the driver allows.

The SLA sweep writes each batch's rows with one executemany per statement. Through the session,
SQLAlchemy builds a parameter dict for every row and sends each value through its column type's
converter, which costs more than SQLite's own work for the row. On SQLite the rows here go to
the driver as tuples instead, each value still converted by its column type's own converter, and
a value met again (the batch's one `now`, a status) converted once. Other databases take the
session's path, where SQLAlchemy batches the rows for the server.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Insert, Table, Update, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeEngine

from app.extensions import db
from app.models.types import UTCDateTime
from app.services.common.bind_values import bind_converter
from app.services.common.prepared import row_count, run_on_driver
from app.services.common.rows import rows_matched

# Where each position's values come from: a key of the rows with its column type's converter and
# whether equal values convert alike, or a constant (a default, a literal of the statement).
_Slot = tuple[str | None, Callable[[Any], Any] | None, bool, Any]


# Plain INSERTs of a table compiled for a set of columns, per dialect: compiling one costs more
# than running it for the few rows of a ticket's opening.
_compiled_inserts: dict[tuple[Table, tuple[str, ...], str], tuple[str, list[_Slot] | None]] = {}
# A few rows go in one statement with a VALUES group each, run straight on the driver's cursor:
# for the handful of rows of one request, SQLAlchemy's execution context and result object cost
# more than SQLite's own work. Larger batches (a sweep's) go to the driver's executemany.
FEW_ROWS = 16
_groups: dict[tuple[str, int], str] = {}


def insert_many(table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (every row with the same keys) into `table` in the session's transaction."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        db.session.execute(insert(table), rows)
        return
    keys = tuple(rows[0])
    known = _compiled_inserts.get((table, keys, dialect.name))
    if known is None:
        known = _compiled_inserts[(table, keys, dialect.name)] = _compile(insert(table), dialect, keys)
    sql, plan = known
    if plan is None:
        db.session.execute(insert(table), rows)
    elif len(rows) <= FEW_ROWS:
        values = _values(plan, rows)
        run_on_driver(
            connection,
            _with_groups(sql, len(values)),
            values[0] if len(values) == 1 else [value for row in values for value in row],
            row_count,
        )
    else:
        connection.exec_driver_sql(sql, _values(plan, rows))


def insert_row(table: Table, values: dict[str, Any]) -> int:
    """Insert one row into `table` (whose primary key is one integer column the database fills
    in) in the session's transaction; returns the row's new primary key. On SQLite it goes
    straight to the driver as insert_many's rows do, the key read from the driver's cursor."""
    connection = db.session.connection()
    dialect = connection.dialect
    key = table.c[table.primary_key.columns.keys()[0]]
    if dialect.name == "sqlite":
        keys = tuple(values)
        known = _compiled_inserts.get((table, keys, dialect.name))
        if known is None:
            known = _compiled_inserts[(table, keys, dialect.name)] = _compile(insert(table), dialect, keys)
        sql, plan = known
        if plan is not None:
            new_key: int = run_on_driver(connection, sql, _values(plan, [values])[0], _last_row_id)
            return new_key
    return int(db.session.execute(insert(table).values(values).returning(key)).scalar_one())


def _last_row_id(cursor: Any) -> int:
    last: int = cursor.lastrowid
    return last


def _with_groups(sql: str, count: int) -> str:
    """The single-row INSERT with `count` VALUES groups."""
    if count == 1:
        return sql
    many = _groups.get((sql, count))
    if many is None:
        head, group = sql.rsplit(" VALUES ", 1)
        many = _groups[(sql, count)] = f"{head} VALUES {', '.join([group] * count)}"
    return many


def execute_many(statement: Insert | Update, rows: Sequence[dict[str, Any]]) -> int:
    """Run `statement` once per row (every row with the same keys) in the session's
    transaction; returns how many rows it matched (for an UPDATE)."""
    if not rows:
        return 0
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name == "sqlite":
        sql, plan = _compile(statement, dialect, tuple(rows[0]))
        if plan is not None:
            return connection.exec_driver_sql(sql, _values(plan, rows)).rowcount
    return rows_matched(db.session.execute(statement, rows))


def _compile(
    statement: Insert | Update, dialect: Dialect, keys: tuple[str, ...]
) -> tuple[str, list[_Slot] | None]:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    assert isinstance(compiled, SQLCompiler)
    return compiled.string, _plan(compiled, dialect, keys)


def _plan(compiled: SQLCompiler, dialect: Dialect, keys: tuple[str, ...]) -> list[_Slot] | None:
    """The driver's values, position by position; None when the statement needs SQLAlchemy's
    own execution (a default computed per row, a parameter it renames)."""
    if not compiled.positional or compiled.positiontup is None or compiled.escaped_bind_names:
        return None
    defaults = {column.key: column for column in (*compiled.insert_prefetch, *compiled.update_prefetch)}
    plan: list[_Slot] = []
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        convert = bind_converter(bind.type, dialect)
        if name in keys:
            plan.append((name, convert, convert is not None and _converts_alike(bind.type), None))
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
        plan.append((None, None, False, convert(value) if convert else value))
    return plan


def _values(plan: list[_Slot], rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
    if len(rows) <= FEW_ROWS:
        # A ticket's opening: a row or a few per statement, where sorting out equal values costs
        # more than converting them (its one `now` is converted once, see bind_values.utc_text).
        return [
            tuple(
                constant if key is None else (convert(row[key]) if convert else row[key])
                for key, convert, _alike, constant in plan
            )
            for row in rows
        ]
    columns: list[list[Any]] = []
    for key, convert, alike, constant in plan:
        if key is None:
            columns.append([constant] * len(rows))
            continue
        values = [row[key] for row in rows]
        if convert is None:
            columns.append(values)
        elif alike:
            # Equal values convert alike here: each distinct one (the batch's `now`) once.
            converted = {value: convert(value) for value in set(values)}
            columns.append([converted[value] for value in values])
        else:
            columns.append([convert(value) for value in values])
    return list(zip(*columns, strict=True))


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
