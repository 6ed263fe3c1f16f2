"""When a rule's notices go out: a notice caused by the SLA waits for business hours, other rules
follow their own choice (at once, or in business hours)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.rule_parsing import RuleInvalid
from app.domain.sla import Targets
from app.extensions import db
from app.models import Activity, EscalationRule, Notification
from app.services.rules.admin import save_rule
from app.services.sla.setup import OFFICE_HOURS, save_calendar, save_policy
from app.services.sweep.sweep import sweep_sla
from app.services.tickets.conversation import add_reply
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer

TARGETS = Targets(30, 60, 600, (600, 600, 600, 600, 600), warn_percent=50)


@pytest.fixture
def admin(now):
    admin = make_admin()
    office = save_calendar(
        admin, name="Office", timezone="Europe/Berlin", weekly_hours=OFFICE_HOURS, holidays_country="DE"
    )
    save_policy(admin, name="Office policy", calendar_id=office.id, is_default=True, targets=TARGETS, now=now)
    return admin


def rule(admin, trigger: str, timing: str | None = None) -> EscalationRule:
    data = {
        "name": f"Tell the admins ({trigger})",
        "trigger": trigger,
        "conditions": [],
        "actions": [{"kind": "notify", "value": "admins"}],
    }
    if timing is not None:
        data["notice_timing"] = timing
    return save_rule(admin, data)


def rule_notices(ticket_id: int) -> set:
    query = select(Notification).where(
        Notification.ticket_id == ticket_id, Notification.rule_name.is_not(None)
    )
    return {n.not_before for n in db.session.scalars(query)}


# Opened on Friday at 16:40 or 16:30 in Berlin: by 18:00 the first response is due soon or missed.
@pytest.mark.parametrize(("trigger", "minute"), [("sla_warning", 40), ("sla_breached", 30)])
def test_a_rule_notice_on_an_sla_event_waits_for_the_opening_even_if_set_to_go_at_once(
    admin, now, trigger, minute
):
    rule(admin, trigger, "immediately")
    customer = make_customer()
    opened_at = now.replace(day=6, hour=15, minute=minute)
    ticket = open_ticket(customer.user, subject="Broken", description="x", now=opened_at)
    sweep_sla(now.replace(day=6, hour=17))  # Friday 18:00 in Berlin
    assert rule_notices(ticket.id) == {now.replace(day=9, hour=8, minute=0)}  # Monday 09:00


def test_a_rule_notice_on_an_sla_event_in_business_hours_goes_at_once(admin, now):
    rule(admin, "sla_breached")
    customer = make_customer()
    ticket = open_ticket(customer.user, subject="Broken", description="x", now=now.replace(hour=9))
    sweep_sla(now.replace(hour=10))  # Monday 11:00 in Berlin
    assert rule_notices(ticket.id) == {None}


def test_other_rule_notices_go_at_once_by_default_day_or_night(admin, now):
    saved = rule(admin, "customer_replied")
    assert saved.notice_timing.value == "immediately"
    customer = make_customer()
    ticket = open_ticket(customer.user, subject="Broken", description="x", now=now)
    add_reply(customer.user, ticket.id, "Still broken", now=now.replace(day=7, hour=22))  # Saturday
    assert rule_notices(ticket.id) == {None}


def test_a_rule_set_to_business_hours_holds_its_notices_outside_them(admin, now):
    rule(admin, "customer_replied", "business_hours")
    customer = make_customer()
    ticket = open_ticket(customer.user, subject="Broken", description="x", now=now)
    add_reply(customer.user, ticket.id, "Still broken", now=now.replace(day=7, hour=22))  # Saturday
    add_reply(customer.user, ticket.id, "Hello?", now=now.replace(day=9, hour=10))  # Monday 11:00
    assert rule_notices(ticket.id) == {now.replace(day=9, hour=8, minute=0), None}
    timeline = db.session.scalars(
        select(Activity.summary).where(Activity.kind == "notification_queued")
    ).all()
    assert any("held until 2026-03-09 08:00 UTC" in line for line in timeline)


def test_a_ticket_without_a_policy_has_no_business_hours_to_wait_for(now):
    admin = make_admin()
    rule(admin, "customer_replied", "business_hours")
    customer = make_customer()
    ticket = open_ticket(customer.user, subject="Broken", description="x", now=now)
    add_reply(customer.user, ticket.id, "Still broken", now=now.replace(day=7, hour=22))
    assert rule_notices(ticket.id) == {None}


def test_the_timing_is_kept_and_checked(admin):
    saved = rule(admin, "ticket_created", "business_hours")
    assert saved.as_data()["notice_timing"] == "business_hours"
    with pytest.raises(RuleInvalid, match="notice timing"):
        save_rule(
            admin,
            {
                "name": "Bad",
                "trigger": "ticket_created",
                "actions": [{"kind": "notify", "value": "admins"}],
                "notice_timing": "whenever",
            },
        )


def test_the_rule_editor_shows_and_saves_the_choice(admin, login_as):
    client = login_as(admin)
    make_agent()
    page = client.get("/admin/rules/new")
    assert 'name="notice_timing"' in page.get_data(as_text=True)
    response = client.post(
        "/admin/rules/new",
        data={
            "name": "Night owls",
            "trigger": "customer_replied",
            "actions-0-kind": "notify",
            "actions-0-value": "team",
            "enabled": "y",
            "notice_timing": "business_hours",
            "intent": "save",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    saved = db.session.scalars(select(EscalationRule).where(EscalationRule.name == "Night owls")).one()
    assert saved.notice_timing.value == "business_hours"
    listing = client.get("/admin/rules/").get_data(as_text=True)
    assert "Notify team (in business hours)" in listing
    edit = client.get(f"/admin/rules/{saved.id}/edit").get_data(as_text=True)
    assert '<option selected value="business_hours">' in edit
