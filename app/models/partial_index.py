"""Partial indexes (only the rows a condition holds for), written once for both databases.

SQLAlchemy checks a dialect's index options by loading that dialect: a `postgresql_where` in a
model loaded the whole PostgreSQL dialect (19 modules, about 2 MB of objects) into every
process, each web worker on SQLite among them. A model names its condition once here; SQLite's
option is set with it, and PostgreSQL's when an app is made for a PostgreSQL database
(`add_postgresql_conditions`, from `database.configure_engine_events`), before any table is
created or compared."""

from __future__ import annotations

from sqlalchemy import Index, MetaData, text

_CONDITION = "partial_where"


def partial_index(name: str, *columns: str, where: str) -> Index:
    """An index of the rows `where` (SQL) holds for, on SQLite and on PostgreSQL."""
    return Index(name, *columns, sqlite_where=text(where), info={_CONDITION: where})


def add_postgresql_conditions(metadata: MetaData) -> None:
    """Give each partial index its condition for PostgreSQL too (loads that dialect)."""
    for table in metadata.tables.values():
        for index in table.indexes:
            where = index.info.get(_CONDITION)
            if where is not None:
                index.dialect_options["postgresql"]["where"] = text(where)
