"""Writing counted cells as roll-up rows: the detail rows go to a scratch table of the
connection, and the database copies them and sums every other grain from that table alone, so
the work of a fold grows with its own days, never with the roll-ups already stored."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Insert,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.schema import CreateIndex, CreateTable, DropIndex
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import ReportRollup

# Each grain's kept dimensions; the others are summed away (0 or '').
GRAIN_COLUMNS: dict[str, tuple[str, ...]] = {
    "all": (),
    "team": ("team_id",),
    "priority": ("priority",),
    "channel": ("channel",),
    "account_tier": ("account_tier",),
    "policy": ("policy_id",),
    "agent": ("agent_id",),
    "organization": ("organization_id",),
}
DIMENSIONS = ("team_id", "priority", "channel", "account_tier", "policy_id", "agent_id", "organization_id")
TEXT_DIMENSIONS = frozenset(("priority", "channel", "account_tier"))
CELL_FIELDS = ("day", "metric", "tier", *DIMENSIONS, "key")
ROLLUP_FIELDS = ["day", "grain", "metric", "tier", *DIMENSIONS, "key", "count", "total"]

# One fold's detail cells; a temporary table, so each connection has its own.
CELLS = Table(
    "report_fold_cells",
    MetaData(),
    Column("day", Date),
    Column("metric", String(24)),
    Column("tier", SmallInteger),
    Column("team_id", Integer),
    Column("priority", String(16)),
    Column("channel", String(16)),
    Column("account_tier", String(16)),
    Column("policy_id", Integer),
    Column("agent_id", Integer),
    Column("organization_id", Integer),
    Column("key", String(64)),
    Column("count", Integer),
    Column("total", BigInteger),
    prefixes=["TEMPORARY"],
)
# A fold's rows are sorted and summed in memory: 256 MB of cache while it runs (32 MB otherwise).
FOLD_CACHE_KIB = 262_144
DEFAULT_CACHE_KIB = 32_768


def write_cells(cells: dict[tuple[Any, ...], list[int]], counted: Sequence[Insert]) -> int:
    """Store counted cells (keyed as CELL_FIELDS, valued [count, total]) and the cells the
    `counted` statements insert into CELLS at every grain, inside the caller's transaction; the
    number of roll-up rows written."""
    connection = db.session.connection()
    connection.execute(CreateTable(CELLS, if_not_exists=True))
    connection.execute(CELLS.delete())
    for statement in counted:
        connection.execute(statement)
    if not cells:
        pass
    elif connection.dialect.name == "sqlite":
        # The driver takes the rows as they are; a day is stored as its ISO text.
        days: dict[date, str] = {}
        rows: Sequence[Any] = [
            (days.get(c[0]) or days.setdefault(c[0], c[0].isoformat()), *c[1:], n, total)
            for c, (n, total) in cells.items()
        ]
        marks = ", ".join("?" * len(CELLS.c))
        connection.exec_driver_sql(f"INSERT INTO report_fold_cells VALUES ({marks})", rows)
    else:
        rows = [
            {**dict(zip(CELL_FIELDS, c, strict=True)), "count": n, "total": total}
            for c, (n, total) in cells.items()
        ]
        connection.execute(insert(CELLS), rows)
    detail = select(
        CELLS.c.day,
        literal("detail", String(12)),
        *(CELLS.c[name] for name in CELL_FIELDS[1:]),
        CELLS.c.count,
        CELLS.c.total,
    )
    written = connection.execute(insert(ReportRollup.__table__).from_select(ROLLUP_FIELDS, detail)).rowcount
    for grain in GRAIN_COLUMNS:
        written += connection.execute(_grain_rows(grain)).rowcount
    connection.execute(CELLS.delete())
    return written


def _grain_rows(grain: str) -> Any:
    """INSERT … SELECT: one grain's rows, summed from the fold's cells."""
    t, kept = ReportRollup.__table__, GRAIN_COLUMNS[grain]
    dims: list[ColumnElement[Any]] = [
        CELLS.c[name] if name in kept else literal("" if name in TEXT_DIMENSIONS else 0, t.c[name].type)
        for name in DIMENSIONS
    ]
    summed = select(
        CELLS.c.day,
        literal(grain, t.c.grain.type),
        CELLS.c.metric,
        CELLS.c.tier,
        *dims,
        CELLS.c.key,
        func.sum(CELLS.c.count),
        func.sum(CELLS.c.total),
    ).group_by(CELLS.c.day, CELLS.c.metric, CELLS.c.tier, CELLS.c.key, *(CELLS.c[name] for name in kept))
    return insert(t).from_select(ROLLUP_FIELDS, summed)


@contextmanager
def large_cache() -> Iterator[None]:
    """A large page cache for the session's connection inside one transaction (SQLite)."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    for pragma in ("cache_size", "temp.cache_size"):
        connection.exec_driver_sql(f"PRAGMA {pragma}=-{FOLD_CACHE_KIB}")
    try:
        yield
    finally:
        for pragma in ("cache_size", "temp.cache_size"):
            connection.exec_driver_sql(f"PRAGMA {pragma}=-{DEFAULT_CACHE_KIB}")


ROLLUP_INDEXES = tuple(ReportRollup.__table__.indexes)


def drop_read_indexes() -> None:
    """Drop the roll-ups' read index before a rebuild writes every row (one sort at the end is
    cheaper than keeping it in order row by row)."""
    connection = db.session.connection()
    for index in ROLLUP_INDEXES:
        connection.execute(DropIndex(index, if_exists=True))


def restore_read_indexes() -> None:
    connection = db.session.connection()
    for index in ROLLUP_INDEXES:
        connection.execute(CreateIndex(index, if_not_exists=True))
