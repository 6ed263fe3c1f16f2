"""Each change to a ticket runs each follow-up once: the clocks start before the rules read the
ticket, the queue entry comes after the rules chose the team, the risk rank comes last."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from app.domain.assignment import AssignmentMode
from app.domain.sla import Targets
from app.domain.sla_vocabulary import SlaTarget
from app.domain.vocabulary import Priority, Status
from app.extensions import db
from app.models import Activity, Notification, SlaClock, Ticket
from app.services.kb.articles import save_article, save_category
from app.services.relationship.risk_refresh import rank_all_active
from app.services.rules.admin import save_rule
from app.services.sla.setup import save_calendar, save_policy
from app.services.tickets.changes import change_status, change_tier
from app.services.tickets.conversation import add_reply
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer, make_team

RISK_COLUMNS = ("risk_score", "risk_pressure", "risk_priority", "risk_account", "risk_value", "risk_health")
STATEMENTS = {
    # The customer's health put into all their tickets' ranks (risk_rank.rank_customers).
    "health": re.compile(r"^UPDATE tickets SET .*risk_health=", re.IGNORECASE),
    # The ticket's own row written with rank columns.
    "ticket rank": re.compile(r"^UPDATE tickets SET .*risk_(pressure|account|priority)=", re.IGNORECASE),
    # The ticket's row inserted with its rank columns.
    "ticket insert": re.compile(r"^INSERT INTO tickets \(.*risk_pressure", re.IGNORECASE),
    # A team's members read to choose the next agent (routing.assignment, once per queue entry;
    # routing.opening_queue reads them with their team).
    "team members": re.compile(
        r"(FROM users WHERE|JOIN users ON) users\.team_id = .* AND users\.role IN", re.IGNORECASE
    ),
}


@contextmanager
def counted() -> Iterator[Counter]:
    """Count the statements of each kind above that reach the database inside the block."""
    counts: Counter = Counter()

    def seen(conn, cursor, statement, parameters, context, executemany):
        flat = " ".join(statement.split())
        for kind, pattern in STATEMENTS.items():
            if pattern.search(flat):
                counts[kind] += 1

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        yield counts
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)


def history(ticket_id: int) -> list[str]:
    return list(
        db.session.scalars(select(Activity.kind).where(Activity.ticket_id == ticket_id).order_by(Activity.id))
    )


def ranks(ticket_id: int) -> tuple:
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket_id)
    return tuple(getattr(ticket, column) for column in RISK_COLUMNS)


@pytest.fixture
def policies(now):
    """A 24x7 default policy and a faster one for urgent tickets."""
    admin = make_admin()
    always = save_calendar(admin, name="24x7", timezone="UTC", weekly_hours={}, always_open=True)
    standard = save_policy(
        admin,
        name="Standard",
        calendar_id=always.id,
        is_default=True,
        targets=Targets(240, 480, 2400, (600, 600, 600, 600, 600), warn_percent=50),
        now=now,
    )
    urgent = save_policy(
        admin,
        name="Urgent",
        calendar_id=always.id,
        priority="urgent",
        targets=Targets(30, 60, 600, (60, 60, 60, 60, 60), warn_percent=50),
        now=now,
    )
    return standard, urgent


def rule(trigger: str, *actions: dict) -> None:
    save_rule(
        make_admin(),
        {"name": f"{trigger} {actions}", "trigger": trigger, "conditions": [], "actions": list(actions)},
    )


def test_a_ticket_enters_the_queue_its_rule_chose_once(now):
    away = make_team(name="Nights", tier=1, assignment_mode=AssignmentMode.round_robin)
    make_agent(tier=1, team_id=away.id, away=True)
    make_team(name="Frontline", tier=1, assignment_mode=AssignmentMode.round_robin)
    rule("ticket_created", {"kind": "assign_team", "value": away.id})
    with counted() as counts:
        ticket = open_ticket(make_customer().user, subject="Help", description="x", now=now)
    assert counts["team members"] == 1
    assert history(ticket.id) == ["ticket_opened", "ticket_assigned", "rule_fired"]
    assert (ticket.team_id, ticket.assignee_id) == (away.id, None)


def test_a_ticket_a_rule_raises_at_opening_is_dealt_out_once_by_the_new_tier(now):
    second = make_team(name="Technical", tier=2, assignment_mode=AssignmentMode.round_robin)
    agents = [make_agent(tier=2, team_id=second.id) for _ in range(2)]
    frontline = make_team(name="Frontline", tier=1, assignment_mode=AssignmentMode.round_robin)
    make_agent(tier=1, team_id=frontline.id)
    rule("ticket_created", {"kind": "set_tier", "value": 2})
    customer = make_customer()
    with counted() as counts:
        first = open_ticket(customer.user, subject="One", description="x", now=now)
    assert counts["team members"] == 1
    following = open_ticket(customer.user, subject="Two", description="x", now=now)
    assert first.tier == following.tier == 2
    # Turn by turn: the cursor moved once per ticket.
    assert {first.assignee_id, following.assignee_id} == {agent.id for agent in agents}
    assert history(first.id) == ["ticket_opened", "tier_changed", "rule_fired", "ticket_assigned"]


def test_opening_a_ticket_ranks_it_once_at_the_end(policies, now):
    with counted() as counts:
        ticket = open_ticket(make_customer().user, subject="Help", description="x", now=now)
    # Inserted once with its rank; no UPDATE of it afterwards.
    assert (counts["ticket insert"], counts["ticket rank"]) == (1, 0)
    # A first ticket leaves the customer's health part where it was: no other ticket is written.
    assert counts["health"] == 0
    stored = ranks(ticket.id)
    rank_all_active(now)  # ranking from scratch gives what the opening stored
    assert ranks(ticket.id) == stored
    assert stored[0] > 0


def test_the_ticket_created_rules_meet_running_clocks(policies, now):
    """A rule that makes a ticket urgent as it opens re-times the clocks that already run: the
    urgent policy's targets from the opening, and no second set of clocks."""
    _standard, urgent = policies
    rule("ticket_created", {"kind": "set_priority", "value": "urgent"})
    with counted() as counts:
        ticket = open_ticket(make_customer().user, subject="Down", description="x", now=now)
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert (ticket.priority, ticket.sla_policy_id) == (Priority.urgent, urgent.id)
    clocks = {
        c.target: c for c in db.session.scalars(select(SlaClock).where(SlaClock.ticket_id == ticket.id))
    }
    assert sorted(clocks) == sorted((SlaTarget.first_response, SlaTarget.resolution, SlaTarget.tier_dwell))
    assert {c.started_at for c in clocks.values()} == {now}
    assert clocks[SlaTarget.first_response].due_at == now + timedelta(minutes=30)
    assert ticket.sla_next_check_at == now + timedelta(minutes=15)
    assert (counts["ticket insert"], counts["ticket rank"]) == (1, 0)
    stored = ranks(ticket.id)
    rank_all_active(now)
    assert ranks(ticket.id) == stored


def test_a_customer_reply_that_reopens_a_ticket_ranks_the_customer_once(policies, now):
    customer = make_customer()
    ticket = open_ticket(customer.user, subject="Help", description="x", now=now)
    agent = make_agent(tier=1)
    change_status(agent, ticket.id, "solved", now=now + timedelta(minutes=5))
    with counted() as counts:
        add_reply(customer.user, ticket.id, "Still broken", now=now + timedelta(minutes=10))
    assert counts["health"] == 1
    assert counts["ticket rank"] <= 1  # written only when a part changed
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status is Status.open
    assert history(ticket.id)[-2:] == ["customer_replied", "ticket_reopened"]
    stored = ranks(ticket.id)
    rank_all_active(now + timedelta(minutes=10))
    assert ranks(ticket.id) == stored


def test_an_escalation_enters_the_new_queue_once_and_ranks_once(policies, now):
    second = make_team(name="Technical", tier=2, assignment_mode=AssignmentMode.round_robin)
    specialist = make_agent(tier=2, team_id=second.id)
    ticket = open_ticket(make_customer().user, subject="Deep", description="x", now=now)
    with counted() as counts:
        change_tier(
            make_agent(tier=2), ticket.id, 2, "Needs a specialist", reason_code="needs_expertise", now=now
        )
    assert counts["team members"] == 1
    assert counts["health"] == 1
    assert counts["ticket rank"] <= 1
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).assignee_id == specialist.id
    assert history(ticket.id)[-2:] == ["tier_changed", "ticket_assigned"]


def test_a_ticket_the_knowledge_base_answers_as_it_opens_goes_to_no_agent(now):
    """The queue entry waits for self-service: a team a rule named does not deal out a ticket
    that an article answers at tier 0."""
    admin = make_admin()
    category = save_category(admin, name="Accounts", self_service=True)
    save_article(
        admin, title="Reset your password", body="Forgot password.", category_id=category.id, published=True
    )
    frontline = make_team(name="Frontline", tier=1, assignment_mode=AssignmentMode.round_robin)
    make_agent(tier=1, team_id=frontline.id)
    rule("ticket_created", {"kind": "assign_team", "value": frontline.id})
    with counted() as counts:
        ticket = open_ticket(
            make_customer().user, subject="Forgot password", description="Please reset my password", now=now
        )
    assert (ticket.tier, ticket.assignee_id) == (0, None)
    assert counts["team members"] == 0
    # The customer hears the request was received; no agent is told of an assignment.
    assert db.session.scalars(select(Notification.kind)).all() == ["received"]
    assert history(ticket.id) == ["ticket_opened", "ticket_assigned", "rule_fired", "tier_changed"]
