"""A customer's health improves when an old breach leaves the 90-day window: the risk refresh
ranks their tickets again then, found by an indexed time rather than a scan."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.domain.sla import Targets
from app.extensions import db
from app.models import Customer, SlaEvent, Ticket
from app.services.relationship.risk_rechecks import mark_aged_breaches
from app.services.relationship.risk_refresh import refresh_due_risk
from app.services.sla.setup import save_calendar, save_policy
from app.services.sweep.sweep import sweep_sla
from app.services.tickets.changes import change_status
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer

TARGETS = Targets(30, 60, 100_000, (100_000,) * 5, warn_percent=50)


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def test_the_refresh_ranks_a_customer_again_when_their_old_breach_ages_out(now):
    admin = make_admin()
    always = save_calendar(admin, name="24x7", timezone="UTC", weekly_hours={}, always_open=True)
    save_policy(admin, name="Standard", calendar_id=always.id, is_default=True, targets=TARGETS, now=now)
    customer = make_customer()
    open_ticket(customer.user, subject="Broken", description="x", now=now)
    assert sweep_sla(now + timedelta(minutes=31)).breached == 1
    refresh_due_risk(now + timedelta(minutes=32))
    breach = db.session.scalars(select(SlaEvent)).one()
    ages_out = breach.created_at + timedelta(days=90)
    assert fresh(Customer, customer.id).breaches_age_out_at == ages_out

    later = open_ticket(customer.user, subject="Again", description="y", now=now + timedelta(days=89))
    # Waiting on the customer: no clock runs, so nothing else would rank it again.
    change_status(make_agent(), later.id, "pending", now=now + timedelta(days=89, hours=1))
    assert fresh(Ticket, later.id).risk_refresh_at is None
    hurt = fresh(Ticket, later.id).risk_health
    assert refresh_due_risk(ages_out) == 0 or fresh(Ticket, later.id).risk_health == hurt  # still counts
    assert mark_aged_breaches(ages_out) == 0

    refresh_due_risk(ages_out + timedelta(minutes=1))
    healed = fresh(Ticket, later.id).risk_health
    assert healed < hurt
    assert fresh(Customer, customer.id).breaches_age_out_at is None  # nothing left to age out
    assert mark_aged_breaches(ages_out + timedelta(days=1)) == 0  # told once


def test_with_no_breach_ageing_the_refresh_notes_nobody(now):
    customer = make_customer()
    assert customer.breaches_age_out_at is None
    assert mark_aged_breaches(now) == 0
