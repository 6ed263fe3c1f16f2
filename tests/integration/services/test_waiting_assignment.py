"""Tickets the SLA sweep raises join the new tier's team queue; the assign-waiting job deals out
what waits unassigned in automatic teams."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from app.domain.assignment import AssignmentMode
from app.extensions import db
from app.models import User
from app.services.routing.assignment import assign_waiting, set_away
from app.services.sweep.sweep import sweep_sla
from app.services.tickets.opening import open_ticket
from tests.factories import make_agent, make_customer, make_team
from tests.integration.services.test_sla import fresh, policy  # noqa: F401

TIER_DWELL_DUE = timedelta(minutes=61)  # the policy's tier-1 dwell target is an hour


def opened(now, count: int = 1) -> list[int]:
    customer = make_customer()
    return [
        open_ticket(customer.user, subject=f"Broken {n}", description="x", now=now).id for n in range(count)
    ]


def test_a_raised_ticket_joins_the_tiers_only_team_and_is_dealt_out_later(policy, now):  # noqa: F811
    technical = make_team(name="Technical", tier=2, assignment_mode=AssignmentMode.round_robin)
    agents = [make_agent(tier=2, team_id=technical.id) for _ in range(2)]
    ids = opened(now, 3)
    later = now + TIER_DWELL_DUE
    assert sweep_sla(later).raised == 3
    raised = [fresh(i) for i in ids]
    assert {(t.tier, t.team_id, t.assignee_id) for t in raised} == {(2, technical.id, None)}

    assert assign_waiting(later) == 3
    taken = Counter(fresh(i).assignee_id for i in ids)
    assert set(taken) == {a.id for a in agents} and sorted(taken.values()) == [1, 2]
    assert assign_waiting(later) == 0


def test_nobody_available_leaves_the_tickets_waiting_for_the_next_run(policy, now):  # noqa: F811
    technical = make_team(name="Technical", tier=2, assignment_mode=AssignmentMode.least_loaded)
    agent = make_agent(tier=2, team_id=technical.id)
    ids = opened(now, 2)
    later = now + TIER_DWELL_DUE
    sweep_sla(later)
    set_away(db.session.get(User, agent.id), True, hours=None, now=later)
    assert assign_waiting(later) == 0
    assert [fresh(i).assignee_id for i in ids] == [None, None]
    set_away(db.session.get(User, agent.id), False, now=later)
    assert assign_waiting(later) == 2
    assert [fresh(i).assignee_id for i in ids] == [agent.id, agent.id]


def test_a_manual_team_keeps_its_waiting_tickets_for_people_to_take(policy, now):  # noqa: F811
    technical = make_team(name="Technical", tier=2)
    make_agent(tier=2, team_id=technical.id)
    ids = opened(now)
    sweep_sla(now + TIER_DWELL_DUE)
    assert fresh(ids[0]).team_id == technical.id
    assert assign_waiting(now + TIER_DWELL_DUE) == 0 and fresh(ids[0]).assignee_id is None


def test_with_two_teams_at_the_tier_a_raised_ticket_waits_in_the_tiers_queue(policy, now):  # noqa: F811
    make_team(name="Technical EU", tier=2)
    make_team(name="Technical US", tier=2)
    ids = opened(now)
    sweep_sla(now + TIER_DWELL_DUE)
    assert (fresh(ids[0]).tier, fresh(ids[0]).team_id) == (2, None)
