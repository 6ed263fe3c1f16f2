"""A queue in newest or oldest order is read one active status at a time and merged: paging by
cursor must still give every active ticket of the queue exactly once, in creation order (ties by
id), with or without a status filter."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from app.domain.vocabulary import ACTIVE_STATUSES, Status
from app.services.queues.filters import QueueFilters
from app.services.queues.lists import queue_page
from tests.factories import make_agent, make_customer, make_team, make_ticket

BELONGS = {
    "tier-1": lambda t, agent: t.tier == 1,
    "unassigned": lambda t, agent: t.assignee_id is None,
    "mine": lambda t, agent: t.assignee_id == agent.id,
    "team": lambda t, agent: t.team_id == agent.team_id,
    "waiting": lambda t, agent: t.status == Status.pending,
}


@pytest.mark.parametrize("status", [None, Status.pending])
@pytest.mark.parametrize("order", ["newest", "oldest"])
@pytest.mark.parametrize("key", BELONGS)
def test_paging_a_queue_in_creation_order_gives_each_active_ticket_once(key, order, status):
    team = make_team()
    agent = make_agent(team_id=team.id)
    customer = make_customer()
    rng = random.Random(5)
    tickets = [
        make_ticket(
            customer,
            status=rng.choice((*ACTIVE_STATUSES, Status.pending, Status.solved, Status.closed)),
            tier=rng.choice((1, 1, 2)),
            assignee_id=rng.choice((agent.id, None)),
            team_id=rng.choice((team.id, None)),
            # Few distinct times: ties are settled by id across statuses.
            created_at=datetime(2026, 3, 1, 9, rng.randint(0, 4), tzinfo=UTC),
        )
        for _ in range(40)
    ]
    wanted = [
        t
        for t in tickets
        if t.status in ACTIVE_STATUSES and BELONGS[key](t, agent) and status in (None, t.status)
    ]
    wanted.sort(key=lambda t: (t.created_at, t.id), reverse=order == "newest")

    seen, cursor = [], None
    while True:
        page = queue_page(agent, key, QueueFilters(order=order, status=status), after=cursor, size=4)
        seen += [t.id for t in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [t.id for t in wanted]
    assert len(wanted) >= 2  # the data gives each queue something to page through
