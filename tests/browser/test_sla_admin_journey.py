"""An admin's day: a new SLA policy, a new escalation rule tried with a dry-run and enabled, then
the SLA sweep (the CLI, as the scheduler runs it) raising a stale ticket, seen on its timeline.

This module sorts after the other journeys on purpose: its sweep, run at a time days ahead,
raises every stale ticket of the shared demo data by one tier."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.vocabulary import Priority, Status, TierChangeCause
from app.extensions import db
from app.models import SlaPolicy, Ticket, TierChange
from app.models.types import utcnow

pytestmark = pytest.mark.browser

RULE = "Tag late tickets"


def _stale_ticket() -> Ticket:
    """An open tier-1 ticket the rule applies to, whose SLA clock runs (the sweep reads only
    those)."""
    ticket = db.session.scalars(
        select(Ticket)
        .where(
            Ticket.tier == 1,
            Ticket.status == Status.open,
            Ticket.sla_next_check_at.is_not(None),
            Ticket.priority != Priority.urgent,
        )
        .order_by(Ticket.id)
    ).first()
    assert ticket is not None, "the demo data has no open tier-1 ticket with a running clock"
    return ticket


def test_admin_sets_service_levels_and_rules_then_the_sweep_raises_a_stale_ticket(
    journey, live_server, server_db
):
    admin = journey("admin")
    page = admin.page
    admin.sign_in("admin@demo.test")

    admin.menu("Admin")
    admin.step("admin")
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Service levels").click()
    page.get_by_role("heading", level=1, name="Service levels").wait_for()
    admin.step("service levels")
    page.get_by_role("link", name="Add a policy for field and high").click()
    page.get_by_label("Name").fill("Field accounts, high priority")
    page.get_by_label("Calendar").select_option(label="Around the clock")
    for name, hours in (("first_response", 1), ("next_response", 2), ("resolution", 8)):
        page.locator(f"#{name}_hours").fill(str(hours))
    page.locator("#dwell_0_minutes").fill("30")
    for number, hours in enumerate((1, 2, 4, 8), start=1):
        page.locator(f"#dwell_{number}_hours").fill(str(hours))
    admin.step("new policy")
    page.get_by_role("button", name="Save policy").click()
    page.get_by_text("Policy Field accounts, high priority saved.").wait_for()
    admin.step("policy saved")
    policy = db.session.scalars(select(SlaPolicy).where(SlaPolicy.name.like("Field accounts%"))).one()
    assert (policy.account_tier.value, policy.priority.value) == ("field", "high")

    page.get_by_role("link", name="Escalation rules").click()
    page.get_by_role("heading", level=1, name="Escalation rules").wait_for()
    admin.step("escalation rules")
    page.get_by_role("link", name="New rule").click()
    page.get_by_role("heading", level=1, name="New rule").wait_for()
    admin.step("new rule")
    page.get_by_label("Name", exact=True).fill(RULE)
    page.get_by_label("When", exact=True).select_option("sla_breached")
    page.locator("#conditions-0-field").select_option("priority")
    page.locator("#conditions-0-operator").select_option("in")
    page.locator("#conditions-0-value").fill("low, normal, high")
    page.locator("#actions-0-kind").select_option("add_tag")
    page.locator("#actions-0-value").fill("sla-late")
    assert not page.get_by_label("Enabled: runs on live tickets").is_checked()  # a new rule starts off
    page.locator("#live-preview").get_by_text("tickets from the last", exact=False).wait_for()
    admin.step("rule preview as typed")
    page.get_by_role("button", name="Preview: dry-run with this rule (does not save)").click()
    page.get_by_role("heading", name="Dry-run: Sla breached", exact=False).wait_for()
    admin.step("rule dry-run")
    page.get_by_role("button", name="Save rule").click()
    page.get_by_text(f"Rule '{RULE}' saved.").wait_for()
    row = page.get_by_role("row").filter(has_text=RULE)
    assert row.get_by_text("disabled").is_visible()
    row.get_by_role("button", name="Enable").click()
    page.get_by_text(f"Rule '{RULE}' enabled.").wait_for()
    admin.step("rule enabled")

    stale = _stale_ticket()
    ticket_id, reference = stale.id, stale.reference
    db.session.rollback()
    later = (utcnow() + timedelta(days=10)).isoformat(timespec="seconds")
    summary = json.loads(live_server.flask("sla", "sweep", "--now", later).splitlines()[-1])
    assert summary["raised"] >= 1, summary

    page.goto(f"/desk/tickets/{ticket_id}")
    page.get_by_role("heading", level=1, name=reference, exact=False).wait_for()
    changes = page.locator("section[aria-labelledby=tier-history] li")
    assert changes.filter(has_text="tier 1 → 2").filter(has_text="No progress within").count() == 1
    timeline = page.locator("section[aria-labelledby=timeline-title]")
    assert timeline.get_by_text("(service level", exact=False).count() >= 1
    assert timeline.get_by_text(f"tagged 'sla-late' (rule: {RULE})").count() >= 1
    admin.step("stale ticket raised by the sweep")
    change = db.session.scalars(
        select(TierChange).where(TierChange.ticket_id == ticket_id).order_by(TierChange.id.desc())
    ).first()
    assert (change.from_tier, change.to_tier, change.cause) == (1, 2, TierChangeCause.sla)
