"""The desk's day: the frontline triages the top of the tier-1 queue and escalates it; a
tier-2 specialist finds it, notes what they found and hands it to the outside vendor."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.domain.vocabulary import Status
from app.extensions import db
from app.models import Ticket, User
from app.services.tickets.changes import change_tier

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def handoff() -> dict[str, str]:
    """What the frontline passed on (the reference of the ticket it escalated)."""
    return {}


def _queue_links(page):
    return page.locator("table tbody tr").get_by_role("link", name=re.compile(r"^TD-\d+$"))


def test_frontline_triages_the_top_ticket_and_escalates_it(journey, handoff):
    frontline = journey("frontline")
    page = frontline.page
    frontline.sign_in("frontline@demo.test")
    page.get_by_role("heading", level=1, name="Frontline").wait_for()
    frontline.step("tier-1 queue")

    top = _queue_links(page).first
    reference = top.inner_text()
    top.click()
    page.get_by_role("heading", level=1, name=re.compile(reference)).wait_for()
    sidebar = page.get_by_role("complementary")
    for fact in ("Account tier", "Lifetime value", "Health", "Latest in the relationship"):
        assert sidebar.get_by_text(fact, exact=True).first.is_visible(), fact
    frontline.step("top ticket with the customer sidebar")

    page.get_by_label("Canned reply").select_option(label="Greeting and next step")
    page.get_by_role("button", name="Insert into the reply").click()
    reply_box = page.get_by_label("Message")
    customer_name = page.locator("#customer-title").inner_text()
    expect(reply_box).to_have_value(re.compile(f"^Hello {re.escape(customer_name)},"))  # put in place
    assert reply_box.input_value().startswith(f"Hello {customer_name},")
    assert reference in reply_box.input_value() and "{{" not in reply_box.input_value()
    frontline.step("canned reply inserted")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Reply sent.").wait_for()
    frontline.step("reply sent")

    page.get_by_text("Escalate or de-escalate…").click()
    page.get_by_label("Move to").select_option("2")
    page.get_by_label("Reason code").select_option("needs_expertise")
    page.get_by_label("Reason", exact=True).fill(
        "The export fails on the server side; needs someone who can read the logs."
    )
    page.get_by_role("button", name="Move ticket").click()
    page.get_by_text("Moved to tier 2.").wait_for()
    frontline.step("escalated")

    page.goto("/desk/queues/tier-1")
    page.get_by_role("heading", level=1, name="Frontline").wait_for()
    assert page.get_by_role("link", name=reference, exact=True).count() == 0
    frontline.step("tier-1 queue without the ticket")
    handoff["reference"] = reference


@pytest.fixture
def escalated(handoff, server_db) -> str:
    """The ticket the frontline escalated; run alone, the frontline's move is made through the
    service instead, as the frontline journey does through the desk."""
    if "reference" not in handoff:
        agent = db.session.scalars(select(User).where(User.email == "frontline@demo.test")).one()
        ticket = db.session.scalars(
            select(Ticket).where(Ticket.tier == 1, Ticket.status == Status.open).order_by(Ticket.id)
        ).first()
        change_tier(
            agent, ticket.id, 2, "Needs someone who can read the logs.", reason_code="needs_expertise"
        )
        handoff["reference"] = ticket.reference
    return handoff["reference"]


def test_specialist_notes_and_hands_the_ticket_to_the_vendor(journey, escalated):
    specialist = journey("specialist")
    page = specialist.page
    specialist.sign_in("technical@demo.test")
    page.get_by_role("heading", level=1, name="Technical").wait_for()
    specialist.step("tier-2 queue")

    link = page.get_by_role("link", name=escalated, exact=True)
    while link.count() == 0:  # page through the queue as an agent would
        page.get_by_role("link", name="Next page").click()
        page.get_by_role("heading", level=1, name="Technical").wait_for()
    link.click()
    page.get_by_role("heading", level=1, name=re.compile(escalated)).wait_for()
    specialist.step("escalated ticket")

    note = "Server log shows a timeout in the export worker; CloudCo's storage is slow."
    page.get_by_label("Internal note").check()
    page.get_by_label("Message").fill(note)
    page.get_by_role("button", name="Add note", exact=True).click()
    page.get_by_text("Note added.").wait_for()
    assert page.locator("article.internal").filter(has_text=note).is_visible()
    specialist.step("internal note")

    page.get_by_text("Escalate or de-escalate…").click()
    page.get_by_label("Move to").select_option("4")
    page.get_by_label("Reason code").select_option("vendor_issue")
    page.get_by_label("Reason", exact=True).fill("CloudCo's storage times out; they fix it.")
    vendor = page.get_by_label("Vendor (tier 4 only)")
    vendor.select_option(vendor.locator("option", has_text="CloudCo").get_attribute("value"))
    page.get_by_label("Vendor's case reference (tier 4 only)").fill("CC-48213")
    page.get_by_role("button", name="Move ticket").click()
    page.get_by_text("Moved to tier 4.").wait_for()
    assert page.get_by_text("CC-48213").first.is_visible()
    specialist.step("handed to the vendor")
    ticket = db.session.scalars(select(Ticket).where(Ticket.reference == escalated)).one()
    assert (ticket.tier, ticket.vendor_reference) == (4, "CC-48213")
