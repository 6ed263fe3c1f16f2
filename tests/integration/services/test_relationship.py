"""Relationship figures, history pages, account changes, touchpoints and CSAT on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.sla_vocabulary import SlaEventKind, SlaTarget
from app.domain.vocabulary import AccountTier, ActivityKind, LoyaltySegment, Status
from app.extensions import db
from app.models import Activity, CsatAnswer, Notification, SlaClock, SlaEvent
from app.services.common.history import record
from app.services.relationship.changes import log_touchpoint, update_account
from app.services.relationship.figures import figures, health_inputs
from app.services.relationship.history_page import history_page
from app.services.rules.defaults import install_default_rules
from app.services.tickets.changes import change_tier
from app.services.tickets.conversation import add_reply
from app.services.tickets.ratings import rate_ticket
from tests.factories import make_admin, make_agent, make_customer, make_org, make_ticket


def test_health_inputs_come_from_the_whole_history(now):
    customer = make_customer()
    ticket = make_ticket(customer, tier=1)
    make_ticket(customer, status=Status.open)
    make_ticket(customer, status=Status.pending)
    change_tier(make_agent(tier=2), ticket.id, 2, "logs", reason_code="needs_expertise", now=now)
    clock = SlaClock(
        ticket_id=ticket.id,
        target=SlaTarget.resolution,
        tier=1,
        minutes=60,
        started_at=now,
        warn_at=now,
        due_at=now,
    )
    db.session.add(clock)
    db.session.flush()
    db.session.add(
        SlaEvent(
            ticket_id=ticket.id,
            clock_id=clock.id,
            customer_id=customer.id,
            target=SlaTarget.resolution,
            kind=SlaEventKind.breach,
            tier=1,
            due_at=now,
            created_at=now,
        )
    )
    db.session.add(
        CsatAnswer(ticket_id=ticket.id, customer_id=customer.id, rating=2, created_at=now, updated_at=now)
    )
    record(ActivityKind.ticket_reopened, "reopened", now=now, ticket=ticket)
    record(ActivityKind.ticket_reopened, "long ago", now=now - timedelta(days=120), ticket=ticket)
    db.session.commit()
    inputs = health_inputs([customer.id], now)[customer.id]
    assert (
        inputs.breaches_90d,
        inputs.escalations_90d,
        inputs.reopens_90d,
        inputs.open_tickets,
        inputs.average_csat,
    ) == (1, 1, 1, 3, 2.0)


def test_figures_average_response_and_resolution(now):
    customer = make_customer()
    make_ticket(
        customer,
        created_at=now,
        first_responded_at=now + timedelta(minutes=30),
        solved_at=now + timedelta(hours=2),
        status=Status.solved,
        escalation_count=1,
    )
    make_ticket(customer, created_at=now, first_responded_at=now + timedelta(minutes=90), reopen_count=1)
    numbers = figures([customer.id], now)
    assert (numbers.total_tickets, numbers.open_tickets) == (2, 1)
    assert round(numbers.avg_first_response_minutes) == 60
    assert round(numbers.avg_resolution_minutes) == 120
    assert (numbers.escalation_rate, numbers.reopen_rate) == (0.5, 0.5)


def test_history_pages_neither_skip_nor_repeat_while_events_arrive(now):
    customer = make_customer()
    for n in range(30):
        record(
            ActivityKind.touchpoint, f"event {n:02d}", now=now + timedelta(minutes=n), customer_id=customer.id
        )
    db.session.commit()
    agent = make_agent()
    first = history_page(agent, customer_id=customer.id)
    assert [a.summary for a in first.items][:2] == ["event 29", "event 28"]
    for n in range(5):  # newer events arrive between the two pages
        record(
            ActivityKind.touchpoint,
            f"late {n}",
            now=now + timedelta(hours=5, minutes=n),
            customer_id=customer.id,
        )
    db.session.commit()
    second = history_page(agent, customer_id=customer.id, after=first.next_cursor)
    seen = [a.summary for a in first.items + second.items]
    assert seen == [f"event {n:02d}" for n in range(29, -1, -1)]
    assert second.next_cursor is None


def test_history_filters_by_family_and_refuses_unknown_ones(now):
    customer = make_customer()
    record(ActivityKind.touchpoint, "met at a fair", now=now, customer_id=customer.id)
    record(ActivityKind.csat_received, "rated 5", now=now, customer_id=customer.id)
    db.session.commit()
    agent = make_agent()
    page = history_page(agent, customer_id=customer.id, family="csat")
    assert [a.summary for a in page.items] == ["rated 5"]
    with pytest.raises(InvalidInput, match="No history filter 'gossip'"):
        history_page(agent, customer_id=customer.id, family="gossip")
    with pytest.raises(NotAllowed):
        history_page(customer.user, customer_id=customer.id)


def test_account_changes_are_recorded_one_event_each(now):
    org = make_org(account_tier=AccountTier.named)
    agent = make_admin()
    update_account(
        agent,
        org.id,
        account_tier="strategic",
        lifecycle_stage="expansion",
        loyalty_segment="active_loyal",
        now=now,
    )
    kinds = db.session.scalars(
        select(Activity.kind).where(Activity.organization_id == org.id).order_by(Activity.id)
    ).all()
    assert kinds == ["account_tier_changed", "lifecycle_changed", "loyalty_changed"]
    with pytest.raises(InvalidInput, match="Nothing changed"):
        update_account(
            agent,
            org.id,
            account_tier="strategic",
            lifecycle_stage="expansion",
            loyalty_segment="active_loyal",
            now=now,
        )
    with pytest.raises(InvalidInput, match="No account tier 'gold'"):
        update_account(
            agent, org.id, account_tier="gold", lifecycle_stage="expansion", loyalty_segment=None, now=now
        )


def test_touchpoints_enter_the_history(now):
    customer = make_customer()
    log_touchpoint(
        make_agent(),
        kind="business_relationship",
        summary="Quarterly review call",
        customer_id=customer.id,
        now=now,
    )
    event = db.session.scalars(select(Activity)).one()
    assert event.summary == "Business relationship: Quarterly review call"
    assert event.organization_id == customer.organization_id
    with pytest.raises(InvalidInput):
        log_touchpoint(make_agent(), kind="gossip", summary="x", customer_id=customer.id)
    with pytest.raises(NotFound):
        log_touchpoint(make_agent(), kind="promotion", summary="x", customer_id=9999)


def test_csat_once_per_ticket_by_its_customer_changeable_for_a_week(now):
    customer = make_customer()
    ticket = make_ticket(customer, status=Status.solved)
    rate_ticket(customer.user, ticket.id, 2, "slow", now=now)
    rate_ticket(customer.user, ticket.id, 4, "ok in the end", now=now + timedelta(days=6))
    answer = db.session.scalars(select(CsatAnswer)).one()
    assert (answer.rating, answer.comment) == (4, "ok in the end")
    with pytest.raises(InvalidInput, match="changed for 7 days"):
        rate_ticket(customer.user, ticket.id, 5, now=now + timedelta(days=8))
    with pytest.raises(NotFound):
        rate_ticket(make_customer().user, ticket.id, 5, now=now)
    with pytest.raises(NotAllowed):
        rate_ticket(make_agent(), ticket.id, 5, now=now)
    with pytest.raises(InvalidInput, match="once it is solved"):
        rate_ticket(customer.user, make_ticket(customer).id, 5, now=now)
    with pytest.raises(InvalidInput, match="from 1"):
        rate_ticket(customer.user, ticket.id, 9, now=now)
    assert db.session.scalar(select(func.count()).select_from(CsatAnswer)) == 1
    kinds = db.session.scalars(select(Activity.kind)).all()
    assert kinds.count("csat_received") == 2


def test_rules_read_the_last_csat_and_loyalty(now):
    install_default_rules(make_admin())
    manager = make_agent(name="Maya Manager")
    org = make_org(loyalty_segment=LoyaltySegment.active_disloyal, account_manager_id=manager.id)
    customer = make_customer(organization=org)
    solved = make_ticket(customer, status=Status.solved)
    rate_ticket(customer.user, solved.id, 1, "terrible", now=now)
    open_one = make_ticket(customer, status=Status.pending)
    add_reply(customer.user, open_one.id, "Still waiting", now=now + timedelta(minutes=1))
    emails = db.session.scalars(select(Notification.recipient_email)).all()
    assert emails == [manager.email]
