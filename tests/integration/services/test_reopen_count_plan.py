"""A customer's reopens are counted from the partial index of reopen events, whatever SQLite
knows: every opening reads that count, so it must not walk the whole desk's reopens (or every
event of the customer) in the health window."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models.types import utcnow
from app.services.common.history import record
from app.services.relationship.figures import customer_facts, health_inputs
from tests.factories import make_customer, make_ticket
from tests.planner_states import STATES, first_statement, sqlite_planner_state


@pytest.fixture(params=STATES)
def planner_state(request, app):
    sqlite_planner_state(request.param)
    return request.param


def _activity_lines(read) -> list[str]:
    statement, parameters = first_statement(read, table="activities")
    plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return [str(row[-1]) for row in plan if "activities" in str(row[-1])]


def test_one_customers_reopens_are_read_from_the_reopen_index(planner_state):
    customer = make_customer()
    lines = _activity_lines(lambda: customer_facts(customer.id, utcnow()))
    assert lines and all("ix_activities_reopens" in line for line in lines), lines


def test_many_customers_reopens_are_read_from_the_reopen_index(planner_state):
    customers = [make_customer(), make_customer()]
    lines = _activity_lines(lambda: health_inputs([c.id for c in customers], utcnow()))
    assert lines and all("ix_activities_reopens" in line for line in lines), lines


def test_both_reads_count_only_the_customers_reopens_in_the_window(app):
    now = utcnow()
    customer, other = make_customer(), make_customer()
    ticket, others_ticket = make_ticket(customer), make_ticket(other)
    record(ActivityKind.ticket_reopened, "reopened", now=now, ticket=ticket)
    record(ActivityKind.ticket_reopened, "again", now=now - timedelta(days=3), ticket=ticket)
    record(ActivityKind.ticket_reopened, "long ago", now=now - timedelta(days=120), ticket=ticket)
    record(ActivityKind.ticket_solved, "solved", now=now, ticket=ticket)
    record(ActivityKind.ticket_reopened, "someone else's", now=now, ticket=others_ticket)
    db.session.commit()
    assert customer_facts(customer.id, now)[0].reopens_90d == 2
    assert health_inputs([customer.id, other.id], now)[customer.id].reopens_90d == 2
    assert health_inputs([customer.id, other.id], now)[other.id].reopens_90d == 1
