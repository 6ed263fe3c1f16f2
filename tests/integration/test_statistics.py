"""The app keeps the query planner's statistics current by itself: queues stay flat as tables
grow, with no ANALYZE run by hand (SQLite plans a query from them; without any it can walk the
wrong index over a million tickets)."""

from __future__ import annotations

import contextlib
import sqlite3

import pytest
from sqlalchemy import text

from app import database
from app.database import is_sqlite
from app.extensions import db
from app.jobs import JOBS, run_job_if_leader
from app.models import User
from app.services.common.statistics import refresh_statistics
from tests.factories import make_agent, make_ticket


def analyzed_tables() -> set[str]:
    """Read straight from the file: a pooled connection would itself run the check-in step."""
    path = db.engine.url.database
    assert path
    with contextlib.closing(sqlite3.connect(path)) as connection:
        if not connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            return set()
        return {row[0] for row in connection.execute("SELECT DISTINCT tbl FROM sqlite_stat1")}


@pytest.fixture
def sqlite_only():
    if not is_sqlite(db.engine):
        pytest.skip("SQLite's own statistics; PostgreSQL's autovacuum gathers them")


def forget_statistics() -> None:
    """Straight on the file, after closing the pool: a pooled connection's check-in would run
    `PRAGMA optimize` for the queries it ran before, and gather the statistics again."""
    db.engine.dispose()  # fresh connections: SQLite reads statistics when a connection opens
    path = db.engine.url.database
    assert path
    with contextlib.closing(sqlite3.connect(path)) as connection:
        if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            connection.execute("DELETE FROM sqlite_stat1")
            connection.commit()


def test_a_queue_request_leaves_the_tickets_analyzed(sqlite_only, client, login_as, monkeypatch):
    # A connection gathers statistics at most every few minutes; here, at each check-in.
    monkeypatch.setattr(database, "OPTIMIZE_EVERY_SECONDS", 0)
    for _ in range(30):
        make_ticket(tier=1)
    agent_id = make_agent(tier=1).id
    db.session.remove()
    forget_statistics()
    assert "tickets" not in analyzed_tables()
    login_as(db.session.get(User, agent_id))
    assert client.get("/desk/queues/tier-1").status_code == 200
    db.session.remove()  # the request's end (here the test's app context holds its session)
    assert "tickets" in analyzed_tables()


def test_the_check_in_samples_through_a_small_cache_and_keeps_the_connections_own(
    sqlite_only, client, login_as, monkeypatch
):
    # The pages PRAGMA optimize samples do not stay in a web worker's page cache.
    monkeypatch.setattr(database, "OPTIMIZE_EVERY_SECONDS", 0)
    sizes_seen: list[int] = []

    def trace(statement: str, seen: list[int] = sizes_seen) -> None:
        if statement.strip().upper() == "PRAGMA OPTIMIZE":
            seen.append(tracer_connection[0].execute("PRAGMA cache_size").fetchone()[0])

    make_ticket(tier=1)
    agent_id = make_agent(tier=1).id
    db.session.remove()
    forget_statistics()
    with db.engine.connect() as connection:
        driver = connection.connection.dbapi_connection
        assert driver is not None
        own_size = driver.execute("PRAGMA cache_size").fetchone()[0]
        tracer_connection = [driver]
        driver.set_trace_callback(trace)
    try:
        login_as(db.session.get(User, agent_id))
        assert client.get("/desk/queues/tier-1").status_code == 200
        db.session.remove()
    finally:
        driver.set_trace_callback(None)
    assert sizes_seen and set(sizes_seen) == {-database.OPTIMIZE_CACHE_KIB}
    assert driver.execute("PRAGMA cache_size").fetchone()[0] == own_size
    assert "tickets" in analyzed_tables()


def test_a_full_refresh_analyzes_every_table(sqlite_only):
    make_ticket()
    db.session.remove()
    forget_statistics()
    assert refresh_statistics(full=True) == "analyze"
    assert {"tickets", "users", "customers"} <= analyzed_tables()


def test_the_scheduler_gathers_statistics(app):
    job = next(job for job in JOBS if job.id == "statistics")
    assert run_job_if_leader(app, job, "only") == {"statistics": "optimize"}
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1  # the connection is usable after
