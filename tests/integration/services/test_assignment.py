"""Automatic assignment when a ticket enters a team's queue, on the real database."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.assignment import AssignmentMode
from app.domain.errors import InvalidInput, NotAllowed
from app.domain.vocabulary import Status
from app.extensions import db
from app.models import Activity, Notification, Team, Ticket, User
from app.services.routing.assignment import set_away
from app.services.tickets.changes import assign_ticket, change_tier
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer, make_team, make_ticket


def fresh(ticket_id: int) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def open_many(customer, count: int, now) -> list[Ticket]:
    return [
        open_ticket(customer.user, subject=f"Request {n}", description="Help", now=now) for n in range(count)
    ]


def assignees(tickets: list[Ticket]) -> Counter:
    db.session.expire_all()
    return Counter(db.session.get(Ticket, t.id).assignee_id for t in tickets)


@pytest.fixture
def frontline():
    """A round-robin frontline team (the only tier-1 team) of three agents."""
    team = make_team(name="Frontline", tier=1, assignment_mode=AssignmentMode.round_robin)
    agents = [make_agent(tier=1, team_id=team.id) for _ in range(3)]
    return team, agents


def test_tickets_opened_in_a_round_robin_team_are_spread_evenly(frontline, now):
    team, agents = frontline
    tickets = open_many(make_customer(), 7, now)
    counts = assignees(tickets)
    assert sorted(counts.values()) == [2, 2, 3]
    assert set(counts) == {a.id for a in agents}
    assert {fresh(t.id).team_id for t in tickets} == {team.id}
    assert db.session.get(Team, team.id).last_assigned_user_id == fresh(tickets[-1].id).assignee_id


def test_automatic_assignment_is_in_the_history_and_the_agent_is_told(frontline, now):
    ticket = open_many(make_customer(), 1, now)[0]
    agent = db.session.get(User, fresh(ticket.id).assignee_id)
    event = db.session.scalars(
        select(Activity).where(Activity.ticket_id == ticket.id, Activity.kind == "ticket_assigned")
    ).one()
    assert event.summary == f"{ticket.reference} assigned to {agent.name} (Frontline, round robin)"
    assert event.data["how"] == "round robin"
    note = db.session.scalars(select(Notification).where(Notification.recipient_kind != "customer")).one()
    assert (note.recipient_user_id, note.recipient_kind) == (agent.id, "assignee")
    assert "assigned to you" in note.subject


def test_least_loaded_gives_the_ticket_to_the_agent_with_fewest_active_tickets(now):
    team = make_team(tier=1, assignment_mode=AssignmentMode.least_loaded)
    busy, light, idle_but_solved = (make_agent(tier=1, team_id=team.id) for _ in range(3))
    for _ in range(3):
        make_ticket(assignee_id=busy.id)
    make_ticket(assignee_id=light.id)
    make_ticket(assignee_id=idle_but_solved.id)
    for _ in range(4):  # solved and closed tickets are not load
        make_ticket(assignee_id=idle_but_solved.id, status=Status.closed)
    # idle_but_solved and light carry one active ticket each: the lower id wins the tie first.
    tickets = open_many(make_customer(), 3, now)
    assert [fresh(t.id).assignee_id for t in tickets] == [light.id, idle_but_solved.id, light.id]


def test_away_agents_are_skipped_until_they_are_back_or_their_time_is_up(frontline, now):
    _, (first, second, third) = frontline
    set_away(first, True, now=now)
    set_away(second, True, hours=1, now=now)
    early = open_many(make_customer(), 2, now)
    assert assignees(early) == Counter({third.id: 2})
    later = open_many(make_customer(), 3, now + timedelta(hours=2))  # second's hour is over
    assert set(assignees(later)) == {second.id, third.id}
    set_away(first, False, now=now)
    back = open_many(make_customer(), 3, now + timedelta(hours=2))
    assert set(assignees(back)) == {first.id, second.id, third.id}


def test_inactive_people_customers_and_agents_below_the_tier_are_never_chosen(now):
    team = make_team(tier=2, assignment_mode=AssignmentMode.round_robin)
    make_agent(tier=2, team_id=team.id, active=False)
    make_agent(tier=1, team_id=team.id)
    customer_in_team = make_customer()
    customer_in_team.user.team_id = team.id
    db.session.commit()
    ticket = make_ticket(tier=1, team_id=None)
    change_tier(
        make_admin(),
        ticket.id,
        2,
        "Needs a specialist",
        reason_code="needs_expertise",
        hand_over=True,
        now=now,
    )
    moved = fresh(ticket.id)
    assert (moved.tier, moved.team_id, moved.assignee_id) == (2, team.id, None)
    kinds = db.session.scalars(
        select(Activity.summary).where(Activity.ticket_id == ticket.id, Activity.kind == "ticket_assigned")
    ).all()
    assert kinds == [f"{ticket.reference} entered team {team.name}'s queue (no agent available)"]


def test_a_manual_team_keeps_new_tickets_unassigned_in_its_queue(now):
    team = make_team(tier=1)
    make_agent(tier=1, team_id=team.id)
    ticket = open_many(make_customer(), 1, now)[0]
    assert (fresh(ticket.id).team_id, fresh(ticket.id).assignee_id) == (team.id, None)
    assert (
        db.session.scalars(select(Notification).where(Notification.recipient_kind != "customer")).all() == []
    )


def test_with_two_teams_at_a_tier_nobody_guesses_which_one(now):
    for _ in range(2):
        team = make_team(tier=1, assignment_mode=AssignmentMode.round_robin)
        make_agent(tier=1, team_id=team.id)
    ticket = open_many(make_customer(), 1, now)[0]
    assert (fresh(ticket.id).team_id, fresh(ticket.id).assignee_id) == (None, None)


def test_an_escalation_hands_the_ticket_to_the_receiving_teams_next_agent(now):
    make_team(tier=2, name="Technical A")
    receiving = make_team(tier=2, name="Technical B")
    specialists = [make_agent(tier=2, team_id=receiving.id) for _ in range(2)]
    frontline_agent = make_agent(tier=1)
    ticket = make_ticket(tier=1, assignee_id=frontline_agent.id)
    change_tier(
        frontline_agent,
        ticket.id,
        2,
        "Needs log analysis",
        reason_code="needs_expertise",
        team_id=receiving.id,
        hand_over=True,
        now=now,
    )
    moved = fresh(ticket.id)
    assert (moved.tier, moved.team_id, moved.assignee_id) == (2, receiving.id, specialists[0].id)
    note = db.session.scalars(select(Notification).where(Notification.recipient_kind != "customer")).one()
    assert note.recipient_user_id == specialists[0].id


def test_an_escalation_into_an_automatic_team_assigns_without_being_asked(now):
    team = make_team(tier=2, assignment_mode=AssignmentMode.least_loaded)
    specialist = make_agent(tier=2, team_id=team.id)
    ticket = make_ticket(tier=1, assignee_id=make_agent(tier=1).id)
    change_tier(
        make_agent(tier=1), ticket.id, 2, "Needs log analysis", reason_code="needs_expertise", now=now
    )
    assert (fresh(ticket.id).team_id, fresh(ticket.id).assignee_id) == (team.id, specialist.id)


def test_an_admin_who_escalates_keeps_the_ticket_unless_handing_it_over(now):
    team = make_team(tier=2, assignment_mode=AssignmentMode.round_robin)
    specialist = make_agent(tier=2, team_id=team.id)
    admin = make_admin()
    kept = make_ticket(tier=1, assignee_id=admin.id)
    change_tier(admin, kept.id, 2, "I will look myself", reason_code="needs_expertise", now=now)
    assert fresh(kept.id).assignee_id == admin.id
    handed = make_ticket(tier=1, assignee_id=admin.id)
    change_tier(
        admin, handed.id, 2, "Over to the team", reason_code="needs_expertise", hand_over=True, now=now
    )
    assert fresh(handed.id).assignee_id == specialist.id


def test_a_receiving_team_of_another_tier_is_refused_and_nothing_changes(now):
    wrong = make_team(tier=3)
    ticket = make_ticket(tier=1)
    with pytest.raises(InvalidInput) as error:
        change_tier(
            make_agent(tier=1),
            ticket.id,
            2,
            "Needs log analysis",
            reason_code="needs_expertise",
            team_id=wrong.id,
            hand_over=True,
            now=now,
        )
    assert error.value.field == "team"
    assert (fresh(ticket.id).tier, fresh(ticket.id).team_id) == (1, None)


def test_manual_assignment_tells_the_assignee_but_not_someone_taking_it_themselves(now):
    agent, other = make_agent(tier=1), make_agent(tier=1)
    ticket = make_ticket(tier=1)
    assign_ticket(agent, ticket.id, assignee_id=agent.id, now=now)
    assert (
        db.session.scalars(select(Notification).where(Notification.recipient_kind != "customer")).all() == []
    )
    assign_ticket(agent, ticket.id, assignee_id=other.id, now=now)
    assert [
        n.recipient_user_id
        for n in db.session.scalars(select(Notification).where(Notification.recipient_kind != "customer"))
    ] == [other.id]


def test_only_staff_can_be_away(now):
    customer = make_customer()
    with pytest.raises(NotAllowed):
        set_away(customer.user, True, now=now)
    assert db.session.get(User, customer.user.id).away is False
    with pytest.raises(InvalidInput):
        set_away(make_agent(), True, hours=5, now=now)


def test_tickets_opened_at_the_same_moment_are_still_shared_in_turn(app, now):
    team = make_team(tier=1, assignment_mode=AssignmentMode.round_robin)
    agent_ids = [make_agent(tier=1, team_id=team.id).id for _ in range(2)]
    customer_user_id = make_customer().user.id
    db.session.remove()
    start = threading.Barrier(4)
    opened: list[int] = []

    def open_some(worker: int) -> None:
        with app.app_context():
            user = db.session.get(User, customer_user_id)
            start.wait()
            for n in range(3):
                opened.append(
                    open_ticket(user, subject=f"Parallel {worker}.{n}", description="x", now=now).id
                )
            db.session.remove()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(open_some, range(4)))  # list() re-raises a worker's error here
    counts = Counter(db.session.scalars(select(Ticket.assignee_id)).all())
    assert len(opened) == 12
    assert counts == Counter({agent_ids[0]: 6, agent_ids[1]: 6})
