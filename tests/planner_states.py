"""The two states the app leaves SQLite's planner in, for plan tests: no statistics at all (a
database no ANALYZE has run on), and the sampled statistics the app's own gathering wrote on a
desk of 100,000 tickets (`PRAGMA analysis_limit` keeps them rough: a time index is thought to
hold 344,253 rows). PostgreSQL keeps its own through autovacuum."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import event, text

from app.extensions import db

# sqlite_stat1 for tickets as the app's PRAGMA optimize left it at 100,000 tickets.
SAMPLED_AT_100K = {
    "ix_tickets_assignee_queue": "95472 1001 667 1 1",
    "ix_tickets_created": "90915 1 1",
    "ix_tickets_customer_created": "99180 19 1 1",
    "ix_tickets_organization_created": "94760 167 1 1",
    "ix_tickets_queue": "114291 1001 1001 1 1",
    "ix_tickets_risk_assignee": "74752 1001 12 1",
    "ix_tickets_risk_refresh": "336105 2 1",
    "ix_tickets_risk_status": "86832 1001 35 1",
    "ix_tickets_risk_team": "74752 1001 29 1",
    "ix_tickets_risk_tier": "59832 1001 1001 1",
    "ix_tickets_sla_next_check": "344253 2 1",
    "ix_tickets_status_accounts": "89640 1001 6 1 1",
    "ix_tickets_status_created": "89640 1001 1 1",
    "ix_tickets_team_queue": "92664 1001 1001 1 1",
    "ix_tickets_vendor_id": "111824 1001",
    "sqlite_autoindex_tickets_1": "63516 1",
}
STATES = ("no statistics", "sampled statistics")


def sqlite_planner_state(state: str) -> None:
    """For a fixture parametrized over STATES: put SQLite in `state`, or skip on PostgreSQL."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps its statistics by autovacuum; these are SQLite's two states")
    set_planner_state(state)


def statements_reading(read: Callable[[], object], table: str) -> list[tuple[str, object]]:
    """Every statement (with its parameters) that `read` sends reading FROM `table`, in order."""
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if f"FROM {table}" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        read()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return seen


def first_statement(read: Callable[[], object], table: str = "tickets") -> tuple[str, object]:
    """The first statement (with its parameters) that `read` sends reading FROM `table`."""
    seen = statements_reading(read, table)
    assert seen, "nothing was read"
    return seen[0]


def set_planner_state(state: str) -> None:
    """Put SQLite's statistics in `state` (one of STATES); nothing to do on PostgreSQL."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))  # creates sqlite_stat1 if it is missing …
        connection.execute(text("DELETE FROM sqlite_stat1"))  # … then forgets what it learnt
        if state == "sampled statistics":
            connection.execute(
                text("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('tickets', :idx, :stat)"),
                [{"idx": idx, "stat": stat} for idx, stat in SAMPLED_AT_100K.items()],
            )
        connection.execute(text("ANALYZE sqlite_schema"))  # makes SQLite reload the table
    # Each connection keeps the statistics it loaded: the session gives its connection back (its
    # objects stay in it) and the pool's connections are closed, so that whichever one the
    # session takes next loads them afresh.
    db.session.commit()
    db.engine.dispose()


def plan_lines(statement: str, parameters: object) -> list[str]:
    """The database's plan for a statement, one line per step."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return [str(row[-1]) for row in rows]
    rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
    return [str(row[0]) for row in rows]
