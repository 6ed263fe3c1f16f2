from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain.errors import Conflict, InvalidInput, NotAllowed
from app.domain.vocabulary import Priority, ReasonCode, Status, TierChangeCause
from app.extensions import db
from app.models import Activity, Message, Ticket, TierChange
from app.services.common.transaction import transaction
from app.services.tickets.changes import (
    assign_ticket,
    change_priority,
    change_status,
    change_tier,
)
from tests.factories import make_agent, make_customer, make_team, make_ticket


def _kinds(ticket_id: int) -> list[str]:
    return list(
        db.session.scalars(select(Activity.kind).where(Activity.ticket_id == ticket_id).order_by(Activity.id))
    )


def _fresh(ticket_id: int) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def test_status_change_solved_sets_solved_at_and_history(now):
    ticket = make_ticket(status=Status.open)
    change_status(make_agent(tier=1), ticket.id, "solved", now=now)
    ticket = _fresh(ticket.id)
    assert ticket.status is Status.solved and ticket.solved_at == now
    assert _kinds(ticket.id) == ["ticket_solved"]


@pytest.mark.parametrize("status", ["new", "bogus", "open"])
def test_refused_status_changes_write_nothing(now, status):
    ticket = make_ticket(status=Status.open)
    with pytest.raises(InvalidInput):
        change_status(make_agent(tier=1), ticket.id, status, now=now)
    assert _fresh(ticket.id).status is Status.open
    assert _kinds(ticket.id) == []


def test_priority_change_is_recorded(now):
    ticket = make_ticket()
    change_priority(make_agent(tier=1), ticket.id, "urgent", now=now)
    assert _fresh(ticket.id).priority is Priority.urgent
    event = db.session.scalars(select(Activity).where(Activity.ticket_id == ticket.id)).one()
    assert event.data == {"from": "normal", "to": "urgent"}


def test_assign_to_agent_of_the_tier_and_team(now):
    team = make_team(tier=1)
    agent = make_agent(tier=1, team_id=team.id)
    ticket = make_ticket()
    assign_ticket(agent, ticket.id, assignee_id=agent.id, team_id=team.id, now=now)
    ticket = _fresh(ticket.id)
    assert (ticket.assignee_id, ticket.team_id) == (agent.id, team.id)
    assert _kinds(ticket.id) == ["ticket_assigned"]


def test_cannot_assign_to_agent_below_the_ticket_tier_or_to_a_customer(now):
    lead = make_agent(tier=3)
    junior = make_agent(tier=1)
    ticket = make_ticket(tier=2)
    with pytest.raises(InvalidInput, match="works tiers up to 1"):
        assign_ticket(lead, ticket.id, assignee_id=junior.id, now=now)
    with pytest.raises(InvalidInput):
        assign_ticket(lead, ticket.id, assignee_id=ticket.customer.user_id, now=now)
    assert _fresh(ticket.id).assignee_id is None


def test_escalation_records_tier_change_and_resets_the_tier_clock(now):
    agent = make_agent(tier=1)
    ticket = make_ticket(tier=1, assignee_id=agent.id)
    change_tier(agent, ticket.id, 2, "  needs a log analysis ", reason_code="needs_expertise", now=now)
    ticket = _fresh(ticket.id)
    assert (ticket.tier, ticket.tier_entered_at, ticket.escalation_count) == (2, now, 1)
    assert ticket.assignee_id is None  # a tier-1 agent no longer owns a tier-2 ticket
    change = db.session.scalars(select(TierChange)).one()
    assert (change.from_tier, change.to_tier, change.cause) == (1, 2, TierChangeCause.manual)
    assert change.reason == "needs a log analysis" and change.actor_id == agent.id
    assert change.reason_code is ReasonCode.needs_expertise
    assert _kinds(ticket.id) == ["tier_changed"]


def test_de_escalation_keeps_escalation_count_and_leaves_a_note_for_the_receiving_tier(now):
    expert = make_agent(tier=3)
    ticket = make_ticket(tier=3, escalation_count=2)
    change_tier(expert, ticket.id, 1, "known issue: apply KB-12", reason_code="workaround_provided", now=now)
    assert (_fresh(ticket.id).tier, _fresh(ticket.id).escalation_count) == (1, 2)
    note = db.session.scalars(select(Message).where(Message.ticket_id == ticket.id)).one()
    assert note.internal and note.body == "Handed back to Tier 1 · Frontline: known issue: apply KB-12"


def test_moving_to_tier_four_hands_the_ticket_to_a_vendor_with_its_reference(now):
    vendor = make_team(name="CloudCo", tier=4, is_external=True, vendor_target_hours=24)
    ticket = make_ticket(tier=3)
    change_tier(
        make_agent(tier=3),
        ticket.id,
        4,
        "storage outage at provider",
        reason_code="vendor_issue",
        vendor_team_id=vendor.id,
        vendor_reference=" CC-88123 ",
        now=now,
    )
    ticket = _fresh(ticket.id)
    assert (ticket.tier, ticket.team_id, ticket.vendor_id, ticket.vendor_reference) == (
        4,
        vendor.id,
        vendor.id,
        "CC-88123",
    )


@pytest.mark.parametrize(
    ("external", "reference", "field"),
    [(None, "CC-1", "vendor"), (False, "CC-1", "vendor"), (True, "x" * 121, "vendor_reference")],
)
def test_tier_four_needs_an_external_team_and_a_sane_reference(now, external, reference, field):
    team = make_team(tier=4, is_external=external, vendor_target_hours=8) if external is not None else None
    ticket = make_ticket(tier=3)
    with pytest.raises(InvalidInput) as error:
        change_tier(
            make_agent(tier=3),
            ticket.id,
            4,
            "provider bug",
            reason_code="vendor_issue",
            vendor_team_id=team.id if team else None,
            vendor_reference=reference,
            now=now,
        )
    assert error.value.field == field
    assert _fresh(ticket.id).tier == 3


@pytest.mark.parametrize(
    ("agent_tier", "ticket_tier", "target", "reason", "code", "error"),
    [
        (1, 3, 4, "why", "vendor_issue", NotAllowed),  # above the agent's tier
        (4, 4, 5, "why", "needs_expertise", InvalidInput),  # above the ladder
        (4, 0, -1, "why", "wrong_tier", InvalidInput),  # below the ladder
        (2, 2, 2, "why", "needs_expertise", InvalidInput),  # no move
        (2, 1, 2, "   ", "needs_expertise", InvalidInput),  # no reason
        (2, 1, 2, "why", None, InvalidInput),  # no reason code
        (2, 1, 2, "why", "fix_delivered", InvalidInput),  # a code for going down
        (2, 2, 1, "done", "wrong_tier", InvalidInput),  # too short a handover note
    ],
)
def test_refused_tier_moves_change_nothing(now, agent_tier, ticket_tier, target, reason, code, error):
    ticket = make_ticket(tier=ticket_tier)
    with pytest.raises(error):
        change_tier(make_agent(tier=agent_tier), ticket.id, target, reason, reason_code=code, now=now)
    assert _fresh(ticket.id).tier == ticket_tier
    assert db.session.scalar(select(func.count(TierChange.id))) == 0
    assert _kinds(ticket.id) == []


def test_customer_cannot_change_their_own_ticket(now):
    customer = make_customer()
    ticket = make_ticket(customer)
    with pytest.raises(NotAllowed):
        change_priority(customer.user, ticket.id, "urgent", now=now)
    with pytest.raises(NotAllowed):
        change_tier(customer.user, ticket.id, 3, "please", reason_code="customer_request", now=now)


def test_a_change_made_meanwhile_is_a_conflict_not_an_overwrite(app, now):
    ticket = make_ticket()
    stale = db.session.get(Ticket, ticket.id)
    read_version = stale.version  # this request has read the ticket
    agent = make_agent(tier=1)
    with app.app_context():  # another request commits first
        change_priority(db.session.get(type(agent), agent.id), ticket.id, "high", now=now)
    with pytest.raises(Conflict), transaction():
        stale.subject = "overwritten"
    with app.app_context():
        fresh = db.session.get(Ticket, ticket.id)
        assert (fresh.subject, fresh.priority) == ("Cannot export invoices", Priority.high)
        assert fresh.version == read_version + 1
