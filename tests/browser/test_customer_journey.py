"""A new customer's day: register, confirm the address, search the help articles, let a
suggestion answer one question, ask another anyway, follow it until it is solved, rate it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import Activity, CsatAnswer, Notification, User

pytestmark = pytest.mark.browser

EMAIL = "dana.new@customer.test"


def _verification_link() -> str:
    """The link in the confirmation email, read from the outbox the mail channel delivers."""
    body = db.session.scalars(
        select(Notification.body)
        .where(Notification.recipient_email == EMAIL)
        .order_by(Notification.id.desc())
    ).first()
    assert body is not None, "no confirmation email was queued"
    return re.search(r"http\S+/auth/verify/\S+", body).group(0)


def _type_request(page, subject: str, description: str) -> None:
    """Type as a customer does; the suggestions ask the server once typing pauses."""
    with page.expect_response(lambda r: "/kb/suggest" in r.url and r.ok):
        page.get_by_label("Subject").fill(subject)
        page.get_by_label("What happened?").fill(description)


def test_customer_registers_asks_and_rates(journey, server_db):
    customer = journey("customer")
    page = customer.page

    page.goto("/auth/register")
    customer.step("register")
    page.get_by_label("Your name").fill("Dana Newcomer")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill("a-long-password-1")
    page.get_by_label("Repeat the password").fill("a-long-password-1")
    page.get_by_role("button", name="Create account").click()
    page.get_by_text("We sent you a link to confirm your email address").wait_for()
    customer.step("registered")

    page.goto(_verification_link())
    page.get_by_text("your email address is confirmed").wait_for()
    customer.step("verified")
    db.session.rollback()  # read what the server wrote since the link was read
    assert db.session.scalar(select(User.email_verified_at).where(User.email == EMAIL))
    customer.sign_in(EMAIL, "a-long-password-1")

    customer.menu("Help articles")
    page.get_by_label("Search the help articles").fill("invoice csv")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Export invoices to CSV").wait_for()
    customer.step("knowledge base search")

    customer.menu("New request")
    customer.step("new request")
    _type_request(page, "Export my invoices", "I need all invoices of last year as a CSV file.")
    suggestion = page.locator("#suggestion-list li").filter(has_text="Export invoices to CSV")
    suggestion.wait_for()
    customer.step("suggestions while typing")
    suggestion.get_by_role("button", name="This answered my question").click()
    page.get_by_text("Glad the article helped").wait_for()
    customer.step("deflected")
    db.session.rollback()
    deflections = db.session.scalars(
        select(Activity)
        .join(User, Activity.actor_id == User.id)
        .where(User.email == EMAIL, Activity.kind == ActivityKind.kb_deflected.value)
    ).all()
    assert [d.data["subject"] for d in deflections] == ["Export my invoices"]

    customer.menu("New request")
    _type_request(
        page, "The VAT number on my invoices is wrong", "Since March the invoices show our old VAT number."
    )
    page.locator("#suggestion-list li").first.wait_for()
    page.get_by_label("Topic").select_option(label="Billing and invoices")
    page.get_by_role("button", name="Send request").click()
    page.get_by_text(re.compile(r"Request TD-\d+ received")).wait_for()
    ticket_id = int(re.search(r"/portal/tickets/(\d+)", page.url).group(1))
    customer.step("request opened")

    page.get_by_label("Your reply").fill("It is the number we had before the merger.")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Your reply was sent.").wait_for()
    customer.step("replied")

    agent = journey("frontline")
    agent.sign_in("frontline@demo.test")
    agent.page.goto(f"/desk/tickets/{ticket_id}")
    agent.page.get_by_label("Message").fill("We corrected the VAT number on all invoices.")
    agent.page.get_by_label("Status", exact=True).select_option("solved")
    agent.page.get_by_role("button", name="Send reply").click()
    agent.page.get_by_text("Reply sent.").wait_for()
    agent.step("solved by the frontline")

    page.reload()
    page.get_by_role("heading", name="Rate this request").wait_for()
    customer.step("solved")
    page.get_by_label("5 – very happy").check()
    page.get_by_label("Anything to add?").fill("Quick and friendly.")
    page.get_by_role("button", name="Send rating").click()
    page.get_by_text("Thank you for your rating.").wait_for()
    customer.step("rated")
    db.session.rollback()
    answer = db.session.scalars(select(CsatAnswer).where(CsatAnswer.ticket_id == ticket_id)).one()
    assert (answer.rating, answer.comment) == (5, "Quick and friendly.")
