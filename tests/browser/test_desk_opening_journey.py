"""A customer phones the frontline: the agent opens the ticket for them from the desk, finding
them as they type, and adds a caller the desk has never met. Then the small ends of the desk:
Apply with nothing ticked, the search form and a page that does not exist."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.domain.vocabulary import ActivityKind, Channel
from app.extensions import db
from app.models import Activity, Customer, Message, Ticket, User

pytestmark = pytest.mark.browser

CALLER = "Phoebe Caller"
CALLER_EMAIL = "phoebe.caller@newco.demo.test"


def test_frontline_opens_tickets_for_callers(journey, server_db):
    agent = journey("frontline")
    page = agent.page
    agent.sign_in("frontline@demo.test")
    agent.menu("New ticket")
    page.get_by_role("heading", level=1, name="New ticket").wait_for()
    assert page.get_by_role("button", name="Find").is_hidden()  # the script searches as one types
    agent.step("new ticket")

    with page.expect_response(lambda r: "/desk/customers/lookup" in r.url and r.ok):
        page.get_by_label("Find the customer").fill("customer@demo")
    choice = page.locator("#customer-matches li").filter(has_text="customer@demo.test")
    choice.wait_for()
    agent.step("customer found while typing")
    choice.get_by_role("radio").check()
    page.get_by_label("Phone").check()
    page.get_by_label("Subject").fill("Invoices cannot be printed")
    page.get_by_label("What the customer told us").fill("Broken")
    page.get_by_label("Internal note (optional)").fill("Called from the airport; call back after 16:00.")
    agent.expect_refusal()
    page.get_by_role("button", name="Open ticket").click()
    page.get_by_text("at least 3 words and 15 characters").wait_for()
    assert page.get_by_label("Subject").input_value() == "Invoices cannot be printed"
    assert page.get_by_label("Internal note (optional)").input_value().startswith("Called from the airport")
    assert page.locator("#customer-matches input:checked").count() == 1
    agent.step("a short description is refused and nothing typed is lost")

    page.get_by_label("What the customer told us").fill("The print button on the invoice page does nothing.")
    page.get_by_role("button", name="Open ticket").click()
    page.get_by_text(re.compile(r"TD-\d+ opened for ")).wait_for()
    agent.step("ticket opened for the caller")
    db.session.rollback()
    ticket = db.session.scalars(select(Ticket).order_by(Ticket.id.desc())).first()
    assert (ticket.subject, ticket.channel) == ("Invoices cannot be printed", Channel.phone)
    opened = db.session.scalars(
        select(Activity).where(Activity.ticket_id == ticket.id, Activity.kind == ActivityKind.ticket_opened)
    ).one()
    frontline = db.session.scalars(select(User).where(User.email == "frontline@demo.test")).one()
    assert opened.actor_id == frontline.id and "(phone)" in opened.summary
    assert db.session.scalars(select(Message.internal).where(Message.ticket_id == ticket.id)).all() == [True]

    agent.menu("New ticket")
    with page.expect_response(lambda r: "/desk/customers/lookup" in r.url and r.ok):
        page.get_by_label("Find the customer").fill("Phoebe")
    page.get_by_text("No customer matches. Add them below.").wait_for()
    page.locator("summary", has_text="New customer").click()
    page.get_by_label("Name", exact=True).fill(CALLER)
    page.get_by_label("Email address").fill(CALLER_EMAIL)
    page.get_by_label("Chat").check()
    page.get_by_label("Subject").fill("How do I archive old projects?")
    page.get_by_label("What the customer told us").fill("We have many finished projects in the way.")
    agent.step("a new customer typed in")
    page.get_by_role("button", name="Open ticket").click()
    page.get_by_text(re.compile(rf"TD-\d+ opened for {CALLER}")).wait_for()
    agent.step("ticket opened for a new customer")
    db.session.rollback()
    caller = db.session.scalars(select(Customer).where(Customer.email == CALLER_EMAIL)).one()
    assert caller.name == CALLER and caller.user.email_verified_at is None


def test_the_small_ends_of_the_desk(journey):
    agent = journey("frontline")
    page = agent.page
    agent.sign_in("frontline@demo.test")
    page.goto("/desk/queues/tier-1?priority=high")
    page.get_by_role("group", name="With the selected tickets").get_by_role("button", name="Apply").click()
    page.get_by_text("Tick at least one ticket in the list, then choose Apply.").wait_for()
    assert page.url.endswith("/desk/queues/tier-1?priority=high")
    agent.step("apply with nothing ticked")

    page.goto("/desk/search?q=invoice")
    box = page.get_by_label(re.compile("^Words")).bounding_box()
    assert box is not None and box["height"] < 60
    agent.step("search")

    agent.expect_refusal()
    page.goto("/desk/no-such-page")
    page.get_by_role("heading", name="We could not find that page").wait_for()
    agent.step("page not found")
