"""The reports' live reads walk an index alone, whatever SQLite's statistics say: the backlog the
queue index's (tier, status) ranges, the accounts with open tickets the status-and-account index,
the per-agent figures the agent grain's partial index. So their cost follows the open tickets
and the agent rows shown, not the tickets and roll-ups stored."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.domain.reports import DateRange
from app.extensions import db
from app.services.reports.live import backlog, open_accounts
from app.services.reports.read import ReportFilters, sums
from tests.factories import make_customer, make_ticket
from tests.planner_states import STATES, first_statement, plan_lines, sqlite_planner_state


@pytest.fixture(params=STATES)
def state(request, app, now):
    customer = make_customer()
    for tier in (1, 2):
        make_ticket(customer, tier=tier, created_at=now)
    sqlite_planner_state(request.param)
    return request.param


def _filters(now) -> ReportFilters:
    return ReportFilters(range=DateRange(now.date(), now.date()))


def test_the_backlog_counts_the_queue_index_entries(state, now):
    statement, parameters = first_statement(lambda: backlog(_filters(now), now), "tickets")
    lines = plan_lines(statement, parameters)
    assert any("COVERING INDEX ix_tickets_queue (tier=? AND status=?)" in line for line in lines), lines


def test_the_accounts_with_open_tickets_read_their_index_alone(state, now):
    statement, parameters = first_statement(lambda: open_accounts(_filters(now)), "tickets")
    lines = plan_lines(statement, parameters)
    assert any("COVERING INDEX ix_tickets_status_accounts (status=?" in line for line in lines), lines


def test_the_agent_figures_read_the_agent_grains_index_alone(state, now):
    read = lambda: sums(_filters(now), ("reply", "solved", "frt"), ("metric", "agent_id", "key"))  # noqa: E731
    statement, parameters = first_statement(read, "report_rollups")
    assert "grain = 'agent'" in statement  # written in, so the partial index applies
    lines = plan_lines(statement, parameters)
    assert any("COVERING INDEX ix_report_rollups_agent" in line for line in lines), lines


def test_postgresql_can_read_the_agent_grain_from_its_partial_index(app, now):
    """PostgreSQL uses a partial index only when the statement shows its condition: with the
    grain written in, the planner has the index to choose (table scans priced out here)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the SQLite plans are checked above")
    read = lambda: sums(_filters(now), ("reply", "solved", "frt"), ("metric", "agent_id", "key"))  # noqa: E731
    statement, parameters = first_statement(read, "report_rollups")
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    db.session.execute(text("SET LOCAL enable_bitmapscan = off"))
    lines = plan_lines(statement, parameters)
    assert any("ix_report_rollups_agent" in line for line in lines), lines
