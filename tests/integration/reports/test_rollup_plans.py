"""The roll-ups read a span of days of events and met clocks through their time indexes, which
hold only what the roll-ups read (the kinds of event counted by kind, the clocks met): an
opening's events and its new clocks write no entry there, yet the roll-ups' reads still find
every row they count in them."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.vocabulary import ActivityKind
from app.models.activity import REPORTED_KINDS
from app.services.kb.report import knowledge_gaps
from app.services.reports.fact_shape import ACTIVITY_METRICS
from app.services.reports.facts_tickets import activity_facts
from app.services.reports.rollup import fold_days
from tests.planner_states import STATES, plan_lines, sqlite_planner_state, statements_reading


@pytest.fixture(params=STATES)
def state(request, app):
    sqlite_planner_state(request.param)
    return request.param


def test_every_kind_read_by_kind_is_in_the_index():
    assert set(ACTIVITY_METRICS) <= {kind.value for kind in REPORTED_KINDS}
    assert ActivityKind.kb_deflected in REPORTED_KINDS  # the knowledge base report's deflections
    assert ActivityKind.ticket_opened not in REPORTED_KINDS


def test_the_activity_facts_read_the_kind_index(state, now):
    statements = statements_reading(lambda: list(activity_facts(now - timedelta(days=1), now)), "activities")
    assert statements
    for statement, parameters in statements:
        lines = plan_lines(statement, parameters)
        assert any(
            "ix_activities_kind_created (kind=? AND created_at>? AND created_at<?)" in line for line in lines
        ), lines


def test_a_fold_reads_events_and_met_clocks_by_their_time_indexes(state, now):
    day = now.date()
    events = statements_reading(lambda: fold_days(day, day, ZoneInfo("UTC")), "activities")
    clocks = statements_reading(lambda: fold_days(day, day, ZoneInfo("UTC")), "sla_clocks")
    assert events and clocks
    for statement, parameters in events:
        lines = plan_lines(statement, parameters)
        assert any(
            "ix_activities_kind_created (kind=? AND created_at>? AND created_at<?)" in line for line in lines
        ), lines
    for statement, parameters in clocks:
        lines = plan_lines(statement, parameters)
        assert any("ix_sla_clocks_satisfied (satisfied_at>? AND satisfied_at<?)" in line for line in lines), (
            lines
        )


def test_the_knowledge_gaps_read_deflections_by_the_kind_index(state, now):
    statements = statements_reading(lambda: knowledge_gaps(now), "activities")
    assert statements
    for statement, parameters in statements:
        lines = plan_lines(statement, parameters)
        assert any("ix_activities_kind_created (kind=? AND created_at>?)" in line for line in lines), lines
