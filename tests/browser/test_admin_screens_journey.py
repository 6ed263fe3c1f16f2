"""An admin keeps the desk's people and accounts on screens: a new agent edited (tier, team,
away), a new organization (its mistakes named all at once, then fixed) with a contact made its
organization admin, and a rule built row by row with a preview, saved switched off."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, EscalationRule, Organization, User

pytestmark = pytest.mark.browser


def test_admin_edits_a_user_builds_an_organization_and_a_rule(journey, server_db):
    admin = journey("admin")
    page = admin.page
    admin.sign_in("admin@demo.test")

    page.goto("/admin/users/new")
    page.get_by_label("Name").fill("Nora Newhire")
    page.get_by_label("Email").fill("nora.newhire@demo.test")
    page.get_by_label("First password").fill("a-long-first-password")
    page.get_by_label("Support tier").select_option(label="Tier 1 · Frontline")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("link", name="Nora Newhire").click()
    page.get_by_role("heading", level=1, name="Nora Newhire").wait_for()
    admin.step("edit user")
    page.get_by_label("Support tier").select_option(label="Tier 2 · Technical")
    page.get_by_label("Away: gets no tickets automatically").check()
    page.get_by_label("For how long").select_option(label="1 day")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Nora Newhire saved.").wait_for()
    admin.step("user saved")
    nora = db.session.scalars(select(User).where(User.email == "nora.newhire@demo.test")).one()
    assert (nora.support_tier, nora.away) == (2, True) and nora.away_until is not None

    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Organizations").click()
    page.get_by_role("heading", level=1, name="Organizations").wait_for()
    admin.step("organizations")
    page.get_by_role("link", name="New organization").click()
    page.get_by_label("Name").fill("Initrode Systems")
    page.get_by_label("Lifetime value").fill("a lot")
    page.get_by_label("Timezone").fill("Europe/Atlantis")
    page.get_by_role("button", name="Create organization").click()
    errors = page.get_by_role("alert").filter(has_text="things to fix")
    errors.wait_for()
    assert "2 things to fix" in errors.inner_text()
    assert page.get_by_label("Name").input_value() == "Initrode Systems"  # what was typed stays
    admin.step("organization mistakes at once", refused=True)
    page.get_by_label("Lifetime value").fill("250000")
    page.get_by_label("Timezone").fill("Europe/Vienna")
    page.get_by_label("Account tier").select_option("named")
    page.get_by_role("button", name="Create organization").click()
    page.get_by_text("Initrode Systems created.").wait_for()
    page.get_by_role("link", name="New contact").click()
    page.get_by_label("Name").fill("Ivy Initrode")
    page.get_by_label("Email").fill("ivy@initrode.demo.test")
    page.get_by_label("Organization admin", exact=False).check()
    page.get_by_role("button", name="Add contact").click()
    page.get_by_text("organization admin", exact=True).wait_for()
    admin.step("organization with its admin")
    org = db.session.scalars(select(Organization).where(Organization.name == "Initrode Systems")).one()
    assert (org.lifetime_value, org.timezone, org.account_tier.value) == (
        25_000_000,
        "Europe/Vienna",
        "named",
    )
    ivy = db.session.scalars(select(Customer).where(Customer.email == "ivy@initrode.demo.test")).one()
    assert ivy.is_org_admin and ivy.organization_id == org.id

    page.goto("/admin/rules/new")
    page.get_by_label("Name", exact=True).fill("Initrode to technical")
    page.locator("#conditions-0-field").select_option("account_tier")
    assert page.locator("#conditions-0-value").is_hidden()  # a field with known values offers them by name
    page.locator("#conditions-0-choice").select_option(label="Named")
    page.get_by_role("button", name="Add condition").click()
    second = page.locator("[data-rows=condition] .builder-row").nth(1)
    second.get_by_label("Field").select_option("priority")
    assert second.locator(
        "[data-condition-operator] option[value=contains]"
    ).is_disabled()  # not for a priority
    second.get_by_label("Operator").select_option("ne")
    second.locator("[data-condition-choice]").select_option(label="Low")
    page.locator("#live-preview").get_by_text("tickets from the last", exact=False).wait_for()
    page.locator("#actions-0-kind").select_option("assign_team")
    page.locator("#actions-0-team").select_option(label="Technical")
    assert page.locator("#actions-0-tier").is_hidden()  # only the input its kind takes
    admin.step("rule builder")
    page.get_by_role("button", name="Save rule").click()
    page.get_by_text("It is off until you enable it.").wait_for()
    rule = db.session.scalars(
        select(EscalationRule).where(EscalationRule.name == "Initrode to technical")
    ).one()
    assert rule.enabled is False and len(rule.conditions) == 2
    assert rule.actions[0]["kind"] == "assign_team" and isinstance(rule.actions[0]["value"], int)
