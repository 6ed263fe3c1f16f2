"""Every desk queue and its count read the tickets they show through an index, in both states
the app leaves SQLite's planner in (no statistics; the sampled ones its own gathering writes),
so that a queue's cost does not grow with the table."""

from __future__ import annotations

import pytest

from app.services.queues.desk import desk_queues, queue_counts, queue_page
from app.services.queues.filters import QueueFilters
from tests.factories import make_agent, make_customer, make_team, make_ticket
from tests.planner_states import STATES, first_statement, plan_lines, sqlite_planner_state


@pytest.fixture(params=STATES)
def desk(request, app):
    agent = make_agent(team_id=make_team().id)
    customer = make_customer()
    for _ in range(3):
        make_ticket(customer, assignee_id=agent.id, team_id=agent.team_id)
    sqlite_planner_state(request.param)
    return agent


def _no_table_scan(lines: list[str]) -> None:
    for line in lines:
        if line.startswith("SCAN") and " tickets" in line:
            assert "INDEX" in line, lines


def test_the_counts_read_indexes_and_breaching_soon_its_time_index(desk):
    statement, parameters = first_statement(lambda: queue_counts(desk))
    lines = plan_lines(statement, parameters)
    _no_table_scan(lines)
    assert any("ix_tickets_sla_next_check" in line for line in lines), lines


@pytest.mark.parametrize("key", [q.key for q in desk_queues()])
def test_each_queue_page_reads_an_index_in_its_order(desk, key):
    statement, parameters = first_statement(lambda: queue_page(desk, key))
    lines = plan_lines(statement, parameters)
    _no_table_scan(lines)
    if key == "breaching":
        # At most COUNT_CAP of the soonest due, from the time index, then each by its id, sorted.
        assert lines[0].startswith("MATERIALIZE") and "ix_tickets_sla_next_check" in lines[1], lines
        assert lines[2].startswith("SCAN anon_"), lines
        assert lines[3].startswith("SEARCH tickets USING INTEGER PRIMARY KEY"), lines
    else:
        assert not any("TEMP B-TREE" in line for line in lines), lines


@pytest.mark.parametrize(
    ("key", "statuses"), [("tier-1", 4), ("unassigned", 4), ("mine", 4), ("team", 4), ("waiting", 1)]
)
def test_a_queue_in_creation_order_reads_a_page_per_status_from_an_ordered_index(desk, key, statuses):
    statement, parameters = first_statement(lambda: queue_page(desk, key, QueueFilters(order="newest")))
    lines = plan_lines(statement, parameters)
    _no_table_scan(lines)
    reads = [line for line in lines if line.startswith("SEARCH tickets") and "status=?" in line]
    assert len(reads) == statuses, lines  # one bounded read per status the queue holds, merged
    # Each from a (…, status, created_at, id) index: in creation order, no risk index to sort.
    assert not any("risk" in line for line in reads), lines
