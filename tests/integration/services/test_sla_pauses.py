"""Pauses meeting other events: a clock is charged only the time it ran while the ticket was not
paused, whatever the order of pause, clock start, priority change, tier move and resume."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.domain.sla import Targets
from app.domain.sla_vocabulary import SlaTarget
from app.extensions import db
from app.models import BusinessCalendar, SlaClock, SlaPause, Ticket
from app.services.sla.setup import save_calendar, save_policy
from app.services.sweep.sweep import sweep_sla
from app.services.tickets.changes import change_priority, change_status, change_tier
from app.services.tickets.conversation import add_reply
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer, make_team

# Business minutes, round the clock: first response 60, next 120, resolution 600, 60 per tier.
STANDARD = Targets(60, 120, 600, (60, 60, 60, 60, 60), warn_percent=50)
# Urgent: first response 30, next 60, resolution 300, 30 per tier.
URGENT = Targets(30, 60, 300, (30, 30, 30, 30, 30), warn_percent=50)


@pytest.fixture
def always() -> BusinessCalendar:
    return save_calendar(make_admin(), name="24x7", timezone="UTC", weekly_hours={}, always_open=True)


@pytest.fixture
def policies(always, now):
    admin = make_admin()
    save_policy(admin, name="Standard", calendar_id=always.id, is_default=True, targets=STANDARD, now=now)
    save_policy(admin, name="Urgent", calendar_id=always.id, priority="urgent", targets=URGENT, now=now)


@pytest.fixture
def agent():
    return make_agent(tier=4)


def at(now: datetime, minutes: int) -> datetime:
    return now + timedelta(minutes=minutes)


def opened(now: datetime, priority: str = "normal") -> tuple[Ticket, object]:
    customer = make_customer().user
    ticket = open_ticket(customer, subject="Broken", description="x", priority=priority, now=now)
    return ticket, customer


def due(ticket_id: int, target: SlaTarget) -> datetime:
    db.session.expire_all()
    return db.session.scalars(
        select(SlaClock.due_at).where(
            SlaClock.ticket_id == ticket_id, SlaClock.target == target, SlaClock.satisfied_at.is_(None)
        )
    ).one()


def test_a_next_response_clock_started_on_hold_counts_only_from_the_resume(policies, agent, now):
    ticket, customer = opened(now)
    add_reply(agent, ticket.id, "Looking", now=at(now, 10))
    change_status(agent, ticket.id, "on_hold", now=at(now, 20))
    add_reply(customer, ticket.id, "Any news?", now=at(now, 100))
    change_status(agent, ticket.id, "open", now=at(now, 200))
    # The clock started at +100 inside the pause: its two hours run from +200.
    assert due(ticket.id, SlaTarget.next_response) == at(now, 320)


def test_a_customer_reply_while_the_vendor_holds_the_ticket_counts_from_the_return(policies, agent, now):
    vendor = make_team(
        name="CloudCo", tier=4, is_external=True, vendor_target_hours=24, vendor_pauses_clock=True
    )
    ticket, customer = opened(now)
    add_reply(agent, ticket.id, "Looking", now=at(now, 10))
    change_tier(
        agent,
        ticket.id,
        4,
        "provider bug",
        reason_code="vendor_issue",
        vendor_team_id=vendor.id,
        now=at(now, 20),
    )
    add_reply(customer, ticket.id, "Any news?", now=at(now, 100))
    change_tier(agent, ticket.id, 3, "fix delivered", reason_code="fix_delivered", now=at(now, 200))
    assert due(ticket.id, SlaTarget.next_response) == at(now, 320)


def test_a_tier_clock_started_by_a_reply_to_a_pending_ticket_counts_from_the_resume(policies, agent, now):
    ticket, customer = opened(now)
    change_status(agent, ticket.id, "pending", now=at(now, 20))
    add_reply(agent, ticket.id, "Could you send the log?", now=at(now, 100))
    add_reply(customer, ticket.id, "Here it is", now=at(now, 200))  # pending → open
    assert due(ticket.id, SlaTarget.tier_dwell) == at(now, 260)


def test_a_tier_clock_started_by_moving_a_pending_ticket_counts_from_the_resume(policies, agent, now):
    ticket, _ = opened(now)
    change_status(agent, ticket.id, "pending", now=at(now, 20))
    change_tier(agent, ticket.id, 2, "needs a specialist", reason_code="needs_expertise", now=at(now, 100))
    change_status(agent, ticket.id, "open", now=at(now, 200))
    assert due(ticket.id, SlaTarget.tier_dwell) == at(now, 260)


def test_a_priority_change_during_a_pause_counts_the_pause_once(policies, agent, now):
    ticket, _ = opened(now)
    change_status(agent, ticket.id, "on_hold", now=at(now, 20))
    change_priority(agent, ticket.id, "urgent", now=at(now, 50))
    change_status(agent, ticket.id, "open", now=at(now, 100))
    # 300 urgent minutes: 20 before the pause, 280 after it ends.
    assert due(ticket.id, SlaTarget.resolution) == at(now, 380)


def test_a_priority_change_keeps_a_pause_that_began_before_the_clock(policies, agent, now):
    ticket, customer = opened(now)
    change_status(agent, ticket.id, "pending", now=at(now, 20))
    add_reply(agent, ticket.id, "Could you send the log?", now=at(now, 30))  # tier clock from +30
    add_reply(customer, ticket.id, "Here it is", now=at(now, 60))  # pending → open
    change_priority(agent, ticket.id, "urgent", now=at(now, 70))
    # The urgent 30 tier minutes count from the resume at +60, not from +30.
    assert due(ticket.id, SlaTarget.tier_dwell) == at(now, 90)
    assert sweep_sla(at(now, 71)).breached == 0


def test_without_a_default_a_priority_change_brings_the_policy_its_cell_names(always, agent, now):
    save_policy(
        make_admin(), name="Urgent", calendar_id=always.id, priority="urgent", targets=URGENT, now=now
    )
    ticket, _ = opened(now)
    assert ticket.sla_policy_id is None
    change_priority(agent, ticket.id, "urgent", now=at(now, 40))
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.sla_policy_reason.startswith("Urgent: matches priority urgent")
    assert due(ticket.id, SlaTarget.first_response) == at(now, 70)
    assert due(ticket.id, SlaTarget.resolution) == at(now, 340)
    assert ticket.sla_next_check_at == at(now, 55)


def test_a_policy_edit_gives_waiting_tickets_the_policy_their_cell_now_names(always, agent, now):
    admin = make_admin()
    urgent = save_policy(
        admin, name="Urgent", calendar_id=always.id, priority="urgent", targets=URGENT, now=now
    )
    answered, _ = opened(now)
    add_reply(agent, answered.id, "Looking", now=at(now, 5))
    change_status(agent, answered.id, "pending", now=at(now, 10))
    untouched, _ = opened(now, priority="low")
    save_policy(
        admin, name="Normal", calendar_id=always.id, priority="normal", targets=STANDARD, now=at(now, 30)
    )
    db.session.expire_all()
    answered = db.session.get(Ticket, answered.id)
    assert answered.sla_policy_reason.startswith("Normal: matches priority normal")
    # Answered already, so no first response is owed; waiting on the customer, so paused.
    targets = db.session.scalars(select(SlaClock.target).where(SlaClock.ticket_id == answered.id))
    assert sorted(t.value for t in targets) == ["resolution", "tier_dwell"]
    pauses = db.session.scalars(select(SlaPause).where(SlaPause.ticket_id == answered.id)).all()
    assert [(p.reason, p.started_at, p.ended_at) for p in pauses] == [("pending", at(now, 30), None)]
    assert answered.sla_next_check_at is None
    assert db.session.get(Ticket, untouched.id).sla_policy_id is None
    assert urgent.id != answered.sla_policy_id
