"""A queue in newest or oldest order is read one active status at a time and merged: paging by
cursor must still give every active ticket of the queue exactly once, in creation order (ties by
id), with or without a status filter."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.vocabulary import ACTIVE_STATUSES, Status
from app.models import Ticket, User
from app.models.types import utcnow
from app.services.queues.desk import queue_page
from app.services.queues.filters import QueueFilters
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


def _breaching_desk() -> tuple[User, list[Ticket]]:
    """An agent and tickets with few distinct next checks (some past, some beyond the hour) and
    risk scores (ties settled by id)."""
    agent = make_agent()
    customer = make_customer()
    rng = random.Random(9)
    now = utcnow().replace(microsecond=0)
    tickets = [
        make_ticket(
            customer,
            status=rng.choice((*ACTIVE_STATUSES, Status.solved)),
            sla_next_check_at=now + timedelta(minutes=rng.choice((-30, 5, 5, 20, 50, 90))),
            risk_score=rng.choice((10, 20, 20, 30)),
        )
        for _ in range(40)
    ]
    return agent, tickets


def _pages(agent: User, key: str) -> list[int]:
    seen, cursor = [], None
    while True:
        page = queue_page(agent, key, after=cursor, size=4)
        seen += [t.id for t in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return seen


def _due(tickets: list[Ticket]) -> list[Ticket]:
    soon = utcnow() + timedelta(hours=1)
    return [t for t in tickets if t.status in ACTIVE_STATUSES and t.sla_next_check_at <= soon]


def test_breaching_soon_pages_through_every_due_active_ticket_once_riskiest_first():
    agent, tickets = _breaching_desk()
    wanted = sorted(_due(tickets), key=lambda t: (t.risk_score, t.id), reverse=True)
    assert _pages(agent, "breaching") == [t.id for t in wanted]
    assert len(wanted) > 8  # more than two pages


def test_breaching_soon_sorts_only_the_soonest_due_when_more_are_due_than_the_count_shows(monkeypatch):
    from app.services.queues import desk

    agent, tickets = _breaching_desk()
    monkeypatch.setattr(desk, "COUNT_CAP", 6)
    soonest = sorted(_due(tickets), key=lambda t: (t.sla_next_check_at, t.id))[:6]
    wanted = sorted(soonest, key=lambda t: (t.risk_score, t.id), reverse=True)
    assert _pages(agent, "breaching") == [t.id for t in wanted]
