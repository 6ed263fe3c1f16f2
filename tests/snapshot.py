"""Whole-database snapshots for tests: read every table's rows once, put them back in bulk.

Seeding the demo data runs hundreds of service calls; restoring what they wrote is a few
INSERTs. The rows are read and written through the tables' column types, so enums, JSON and
timezone-aware times round-trip as the models see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, Table, select, text
from sqlalchemy.exc import IntegrityError

from app.counter_schema import TRIGGER_KEPT
from app.extensions import db

Rows = list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every table's rows, in `db.metadata.sorted_tables` order (parents before children)."""

    tables: tuple[tuple[Table, Rows], ...]


def take_snapshot() -> Snapshot:
    """Read every row of every table the models describe, each table in primary-key order."""
    with db.engine.connect() as connection:
        return Snapshot(
            tuple(
                (table, [dict(row) for row in connection.execute(_ordered(table)).mappings()])
                for table in db.metadata.sorted_tables
            )
        )


def _ordered(table: Table) -> Select:
    return select(table).order_by(*table.primary_key.columns)


def restore_snapshot(snapshot: Snapshot) -> None:
    """Insert the snapshot's rows into empty tables, in one transaction.

    On SQLite the full-text triggers index the rows as they go in; the counts triggers keep
    (app/counter_schema.py) start at 0 and count the rows again. On PostgreSQL the rows carry
    their ids, so each id sequence is moved past the largest one for the rows a test adds."""
    with db.engine.begin() as connection:
        for table, rows in snapshot.tables:
            if rows:
                connection.execute(table.insert(), _uncounted(table, rows))
        if connection.dialect.name == "postgresql":
            for table, rows in snapshot.tables:
                if rows and table.autoincrement_column is not None:
                    _move_sequence(connection, table)


def _uncounted(table: Table, rows: Rows) -> Rows:
    kept = TRIGGER_KEPT.get(table.name, ())
    return [{**row, **dict.fromkeys(kept, 0)} for row in rows] if kept else rows


def _move_sequence(connection: Connection, table: Table) -> None:
    column = table.autoincrement_column.name
    connection.execute(
        text(f'SELECT setval(pg_get_serial_sequence(:table, :column), max("{column}")) FROM "{table.name}"'),
        {"table": f'"{table.name}"', "column": column},
    )


def empty_tables() -> None:
    """Delete every row (children first); PostgreSQL also restarts the id sequences.

    On PostgreSQL one round trip of DELETEs costs about a tenth of a TRUNCATE, which makes new
    files for every table and index: most tests leave a handful of rows. Rows that a plain
    DELETE in this order cannot remove (a reference cycle) fall back to the TRUNCATE."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        _empty_postgresql(tables)
        return
    with db.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())


def _empty_postgresql(tables: list[Table]) -> None:
    deletes = "; ".join(f'DELETE FROM "{table.name}"' for table in tables)
    restart = "SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'"
    try:
        with db.engine.begin() as connection:
            connection.exec_driver_sql(f"{deletes}; {restart}")
    except IntegrityError:
        names = ", ".join(f'"{t.name}"' for t in tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
