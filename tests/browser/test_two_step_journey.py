"""An agent turns on two-step sign-in from the QR code page, keeps the recovery codes, and signs
in again with the password and then a code from the app (computed here from the shown key)."""

from __future__ import annotations

import time

import pyotp
import pytest
from sqlalchemy import select

from app.demo.data import DEMO_PASSWORD
from app.extensions import db
from app.models import User

pytestmark = pytest.mark.browser

EMAIL = "expert@demo.test"


def test_an_agent_enrols_and_signs_in_with_a_code(journey, server_db):
    agent = journey("agent")
    page = agent.page
    agent.sign_in(EMAIL)
    agent.menu("Security")
    page.get_by_role("heading", level=1, name="Sign-in security").wait_for()
    agent.step("sign-in security")

    page.get_by_role("button", name="Set up two-step sign-in").click()
    page.get_by_role("img", name="QR code for your authenticator app").wait_for()
    agent.step("scan the code")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.get_by_role("heading", level=1, name="Two-step sign-in is on").wait_for()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    assert codes.count() == 10
    agent.step("recovery codes")
    assert db.session.scalar(select(User.totp_enabled_at).where(User.email == EMAIL))

    page.get_by_role("button", name="Sign out").click()
    page.goto("/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1, name="One more step").wait_for()
    assert page.get_by_role("button", name="Sign out").count() == 0  # not signed in yet
    agent.step("code after the password")
    # The set-up used this time step's code; the next step's is accepted (one step of drift).
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    agent.step("signed in with the code")


def test_an_admin_reads_the_audit_log(journey):
    admin = journey("admin")
    page = admin.page
    admin.sign_in("admin@demo.test")
    admin.menu("Admin")
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Audit log").click()
    page.get_by_role("heading", level=1, name="Audit log").wait_for()
    admin.step("audit log")
    page.get_by_label("Person (email)").fill("admin@demo.test")
    page.get_by_label("Kind").select_option("sign_in")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("cell", name="admin@demo.test").first.wait_for()
    admin.step("audit log filtered")
