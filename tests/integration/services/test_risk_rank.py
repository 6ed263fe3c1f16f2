"""The stored risk rank: computed when a ticket opens, kept current when its facts change, and
refreshed by the job only for tickets whose time step has run out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.risk import RiskFacts, risk_rank
from app.domain.vocabulary import AccountTier, Status
from app.extensions import db
from app.models import RiskRecheck, Ticket
from app.services.relationship.changes import update_account
from app.services.relationship.risk_rank import UNRANKED, risk_parts
from app.services.relationship.risk_rechecks import mark_customers_due
from app.services.relationship.risk_refresh import rank_all_active, refresh_due_risk
from app.services.sweep.sweep import sweep_sla
from app.services.tickets.changes import change_priority, change_status
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer, make_org, make_ticket

# The SLA tests' policy: first response in 30 minutes, resolution 600, an hour per tier.
from tests.integration.services.test_sla import fresh, policy  # noqa: F401

pytestmark = pytest.mark.usefixtures("policy")


def opened(customer, now, priority: str = "normal") -> Ticket:
    return open_ticket(customer.user, subject="Broken", description="x", priority=priority, now=now)


def test_a_new_ticket_is_ranked_by_the_formula_with_its_parts(now):
    customer = make_customer(organization=make_org(account_tier=AccountTier.named, lifetime_value=1_250_000))
    ticket = fresh(opened(customer, now).id)
    # First response is due in 30 minutes: one step left. 12,500 in whole units; full health.
    expected = risk_rank(RiskFacts(30, False, "named", 12_500, 100, "normal"))
    parts = risk_parts(ticket)
    assert parts.score == expected.score == 87.1
    assert parts.parts == expected.parts
    assert ticket.risk_refresh_at == now + timedelta(minutes=30)  # when the step runs out


def test_a_priority_change_moves_the_rank_at_once(now):
    ticket = opened(make_customer(), now)
    before = fresh(ticket.id).risk_score
    change_priority(make_agent(tier=1), ticket.id, "urgent", now=now + timedelta(minutes=1))
    after = fresh(ticket.id)
    assert after.risk_priority == 400 and after.risk_score == before + 350


def test_an_account_tier_change_reranks_the_organizations_active_tickets(now):
    org = make_org(account_tier=AccountTier.inside)
    customer = make_customer(organization=org)
    active = opened(customer, now)
    solved = make_ticket(customer, status=Status.solved, risk_score=UNRANKED)
    before = fresh(active.id).risk_score
    update_account(
        make_admin(),
        org.id,
        account_tier="strategic",
        lifecycle_stage=org.lifecycle_stage.value,
        loyalty_segment=None,
        now=now,
    )
    assert fresh(active.id).risk_account == 300
    assert fresh(active.id).risk_score == before + 300
    assert (fresh(solved.id).risk_account, fresh(solved.id).risk_score) == (0, UNRANKED)


def test_more_open_tickets_lower_health_in_all_of_the_customers_ranks(now):
    customer = make_customer()
    tickets = [opened(customer, now) for _ in range(3)]
    # Health 97 with three open tickets: (100 - 97) / 4 = 0.75 points, stored as 8 tenths.
    assert [fresh(t.id).risk_health for t in tickets] == [8, 8, 8]
    change_status(make_agent(tier=1), tickets[0].id, "solved", now=now)
    assert fresh(tickets[0].id).risk_score == UNRANKED
    assert [fresh(t.id).risk_health for t in tickets[1:]] == [0, 0]


def test_a_paused_ticket_feels_no_time_pressure(now):
    ticket = opened(make_customer(), now)
    change_status(make_agent(tier=1), ticket.id, "pending", now=now + timedelta(minutes=5))
    paused = fresh(ticket.id)
    assert (paused.risk_pressure, paused.risk_refresh_at) == (0, None)


def test_the_refresh_touches_only_tickets_whose_step_has_run_out(now):
    waiting = opened(make_customer(), now)  # next step at now + 30 min
    due = make_ticket(priority="urgent", risk_refresh_at=now - timedelta(minutes=1))
    later = make_ticket(priority="urgent", risk_refresh_at=now + timedelta(hours=2))
    untouched = fresh(waiting.id).risk_score

    assert refresh_due_risk(now + timedelta(minutes=20)) == 1
    assert fresh(due.id).risk_priority == 400 and fresh(due.id).risk_refresh_at is None
    assert fresh(later.id).risk_priority == 0  # not due: left as it was
    assert fresh(waiting.id).risk_score == untouched

    assert refresh_due_risk(now + timedelta(minutes=31)) == 1  # first response now overdue
    overdue = fresh(waiting.id)
    assert overdue.risk_pressure == 600 and overdue.risk_refresh_at is None
    assert refresh_due_risk(now + timedelta(minutes=32)) == 0


def test_the_sweeps_breaches_send_their_customers_tickets_to_the_refresh(now):
    customer = make_customer()
    ticket = opened(customer, now)
    other = opened(customer, now)
    swept_at = now + timedelta(minutes=61)
    assert sweep_sla(swept_at).breached >= 1
    # The sweep only notes the customer; the refresh marks and ranks the tickets.
    assert db.session.get(RiskRecheck, customer.id) is not None
    assert fresh(other.id).risk_health == 0
    assert refresh_due_risk(swept_at) == 2
    assert db.session.get(RiskRecheck, customer.id) is None
    assert fresh(ticket.id).risk_health > 0 and fresh(other.id).risk_health > 0


def test_a_customer_noted_twice_is_ranked_once(now):
    customer = make_customer()
    ticket = opened(customer, now)
    mark_customers_due([customer.id, customer.id], now)
    mark_customers_due([customer.id], now)
    db.session.commit()
    assert refresh_due_risk(now) == 1
    assert refresh_due_risk(now) == 0 and fresh(ticket.id).risk_score > 0


def test_ranking_everything_fills_in_tickets_made_without_a_rank(now):
    urgent = make_ticket(priority="urgent")
    low = make_ticket(priority="low", organization=None)
    assert rank_all_active(now) == 2
    assert fresh(urgent.id).risk_score > fresh(low.id).risk_score
