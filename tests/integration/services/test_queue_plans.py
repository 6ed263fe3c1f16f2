""" "Breaching soon" is read through the next-check index on SQLite even before any statistics
exist: the count and the page must not walk every active ticket through a status index."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from app.extensions import db
from app.services.queues.desk import queue_counts
from tests.factories import make_agent, make_customer, make_ticket
from tests.planner_states import set_planner_state


@pytest.fixture
def sqlite_without_statistics(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite chooses indexes without statistics; PostgreSQL's autovacuum gathers them")
    set_planner_state("no statistics")


def test_the_breaching_count_reads_the_next_check_index(sqlite_without_statistics):
    customer = make_customer()
    for _ in range(5):
        make_ticket(customer)
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "AS breaching" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        queue_counts(make_agent())
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert seen, "the queue counts were not read"
    statement, parameters = seen[0]
    plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    lines = [str(row[-1]) for row in plan]
    breaching = lines.index(next(line for line in lines if "anon_9" in line or "breaching" in line))
    assert any("ix_tickets_sla_next_check" in line for line in lines), lines
    assert not any("ix_tickets_risk_status" in line and "SCAN" in line for line in lines[breaching:]), lines
