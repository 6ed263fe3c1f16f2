"""The frontline's working screen: the ticket page on one screen with its composer and
properties panel, and the compact queue that opens a ticket from anywhere on its row, selects a
page at once and sees a new ticket without a reload. Both fit 1,280 and 390 px wide."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.domain.vocabulary import Priority, Status
from app.extensions import db
from app.models import Customer, Message, Ticket, User
from app.services.tickets.changes import change_priority
from app.services.tickets.opening import open_ticket
from tests.browser.journey import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def _user(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def _new_ticket(subject: str) -> Ticket:
    """A fresh tier-1 request from the demo customer, as the portal would open it."""
    customer = db.session.scalars(select(Customer).where(Customer.email == "customer@demo.test")).one()
    ticket = open_ticket(
        _user("frontline@demo.test"),
        subject=subject,
        description="Our nightly export stops at 80 % with no error shown.",
        customer_id=customer.id,
        channel="phone",
    )
    return ticket


def _fresh(ticket_id: int) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def _expect_refusal(agent, status: str) -> None:
    """The browser logs a refused save's status as an error; this one the journey caused."""
    expected = [p for p in agent.guard.problems if f"status of {status}" in p]
    assert len(expected) == 1, agent.guard.problems
    agent.guard.problems.remove(expected[0])


def _fits(page) -> None:
    """No page wider than the viewport, at either width."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"{wide} px wider than the viewport at {size['width']} px"
    page.set_viewport_size(DESKTOP)


def _one_screen(page) -> None:
    """At 1,280 × 800 the conversation, the composer's send buttons, the properties and the
    service level are all in view without scrolling."""
    page.evaluate("window.scrollTo(0, 0)")
    for part in (
        page.locator(".messages"),
        page.get_by_role("button", name="Send and set pending"),
        page.get_by_role("heading", name="Properties"),
        page.get_by_role("button", name="Save properties"),
        page.get_by_role("heading", name="Service level"),
    ):
        box = part.bounding_box()
        assert box is not None and box["y"] + box["height"] <= DESKTOP["height"], part


def _screen(page, folder, name: str) -> None:
    """What one screen shows (not the whole page) at both widths, for the README."""
    folder.mkdir(parents=True, exist_ok=True)
    for label, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=folder / f"{name}-{label}.png")
    page.set_viewport_size(DESKTOP)


def test_the_composer_keeps_drafts_and_saves_the_reply_with_the_properties(journey, server_db):
    ticket = _new_ticket("Export stops at 80 %")
    agent = journey("frontline")
    page = agent.page
    agent.sign_in("frontline@demo.test")
    page.goto(f"/desk/tickets/{ticket.id}")
    page.get_by_role("heading", level=1, name=re.compile(ticket.reference)).wait_for()
    _fits(page)
    _one_screen(page)
    assert page.locator(".countdown").count() >= 1  # time left drawn as a bar
    agent.step("ticket page")

    url = page.url
    message = page.get_by_label("Message")
    message.fill("Thanks for the details.")
    page.get_by_label("Canned reply").select_option(label="Greeting and next step")
    page.get_by_role("button", name="Insert into the reply").click()
    expect(message).to_have_value(re.compile("Hello"))
    text = message.input_value()
    assert text.startswith("Thanks for the details.\n\nHello ") and ticket.reference in text
    assert page.url == url  # inserted in place: no page load, the address stays the ticket's
    agent.step("canned reply inserted in place")

    page.get_by_label("Internal note").check()
    assert page.get_by_role("button", name="Add note", exact=True).is_visible()
    page.get_by_label("Public reply").check()
    assert message.input_value() == text  # switching kinds keeps the draft

    # Someone else changes the ticket meanwhile: the save is refused and nothing typed is lost.
    change_priority(_user("technical@demo.test"), ticket.id, "urgent")
    page.get_by_label("Priority", exact=True).select_option("high")
    page.get_by_role("button", name="Send and set pending").click()
    page.get_by_text("changed since you opened it").wait_for()
    assert page.get_by_label("Message").input_value() == text
    assert page.get_by_label("Priority", exact=True).input_value() == "high"
    _expect_refusal(agent, "409")
    agent.step("stale save keeps the text")

    page.get_by_role("button", name="Send and set pending").click()
    page.get_by_text("Reply sent; priority high.").wait_for()
    saved = _fresh(ticket.id)
    assert (saved.status, saved.priority) == (Status.pending, Priority.high)
    bodies = db.session.scalars(select(Message.body).where(Message.ticket_id == ticket.id)).all()
    assert [b.replace("\r\n", "\n") for b in bodies] == [text]  # a form sends CRLF line ends
    assert page.get_by_label("Message").input_value() == ""
    agent.step("sent and set pending")

    busiest = db.session.scalars(
        select(Ticket)
        .join(Message, Message.ticket_id == Ticket.id)
        .where(Ticket.tier == 1, Ticket.status == Status.open)
        .group_by(Ticket.id)
        .order_by(func.count(Message.id).desc(), Ticket.id)
    ).first()
    page.goto(f"/desk/tickets/{busiest.id}")
    page.get_by_role("heading", level=1, name=re.compile(busiest.reference)).wait_for()
    _fits(page)
    _one_screen(page)
    _screen(page, agent.folder.parent / "readme", "ticket")


def test_a_tag_comes_off_from_the_properties_panel_and_the_draft_stays(journey, server_db):
    ticket = _new_ticket("Invoices show the wrong VAT")
    agent = journey("frontline")
    page = agent.page
    agent.sign_in("frontline@demo.test")
    page.goto(f"/desk/tickets/{ticket.id}")
    for tag in ("billing", "vat"):
        page.get_by_label("Add a tag").fill(tag)
        page.get_by_role("button", name="Save properties").click()
        page.get_by_text(f"Tagged '{tag}'.").wait_for()
    page.get_by_label("Message").fill("Checking the VAT table now")
    _fits(page)
    agent.step("tags with their remove buttons")

    page.get_by_role("button", name="Remove the tag billing").click()
    page.get_by_text("Tag 'billing' removed.").wait_for()
    assert page.get_by_label("Message").input_value() == "Checking the VAT table now"
    assert page.get_by_role("button", name="Remove the tag billing").count() == 0
    assert page.get_by_role("button", name="Remove the tag vat").is_visible()
    assert db.session.scalars(select(Message.id).where(Message.ticket_id == ticket.id)).all() == []
    _fits(page)
    agent.step("tag removed, draft kept")


def test_the_queue_opens_rows_selects_a_page_and_refreshes_itself(journey, server_db):
    agent = journey("frontline")
    page = agent.page
    agent.sign_in("frontline@demo.test")
    page.get_by_role("heading", level=1, name="Frontline").wait_for()
    _fits(page)
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 56, header  # one row at 1,280 px
    page.set_viewport_size(PHONE)  # one row on a phone too: brand, search, Menu (no script needed)
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 56, header
    assert page.locator("#nav-search").is_visible()
    assert not page.get_by_role("button", name="Sign out").is_visible()
    page.get_by_role("link", name="Menu").click()
    assert page.get_by_role("button", name="Sign out").is_visible()
    page.screenshot(path=agent.folder / "menu-open-phone.png")
    page.get_by_role("link", name="Close menu").click()
    assert not page.get_by_role("button", name="Sign out").is_visible()
    page.set_viewport_size(DESKTOP)
    rows = page.locator("#queue-table tbody tr")
    heights = page.evaluate(
        "[...document.querySelectorAll('#queue-table tbody tr')].map(r => r.getBoundingClientRect().height)"
    )
    assert heights and max(heights) < 40, heights  # one line per ticket at 1,280 px
    first_row = rows.first
    assert re.search(r"(left|over)$", first_row.locator("td.sla").inner_text().strip()) or (
        "Paused" in first_row.locator("td.sla").inner_text()
    )
    assert first_row.locator("time[title]").count() >= 1  # relative, exact time on hover
    _screen(page, agent.folder.parent / "readme", "queue")
    agent.step("compact queue")

    page.get_by_label("Select every ticket on this page").check()
    boxes = page.locator("#queue-table tbody input[name='ticket_ids']")
    assert boxes.count() > 1 and all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.get_by_label("Select every ticket on this page").uncheck()
    assert not any(boxes.nth(i).is_checked() for i in range(boxes.count()))
    agent.step("select all, then none")

    count = page.locator(".count[data-queue='tier-1']")
    before = int(count.inner_text().rstrip("+"))
    arrived = _new_ticket("Printer driver crashes on start")
    page.evaluate("document.getElementById('queue-table').refreshNow()")
    page.get_by_role("link", name=arrived.reference, exact=True).wait_for()
    assert int(count.inner_text().rstrip("+")) == before + 1
    assert page.get_by_text("Updated ").is_visible()
    agent.step("live refresh shows the new ticket")

    reference = rows.first.locator("td.ref").inner_text()
    rows.first.locator("td.sla").click()  # not a link: the row itself opens the ticket
    page.get_by_role("heading", level=1, name=re.compile(reference)).wait_for()
    agent.step("row opened")
