"""A customer asks about a forgotten password by mail: the knowledge base answers at once with a
link they can follow; they reply that it did not help, and a person takes it from there. All of
it in their words, not the desk's."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.domain.vocabulary import Channel
from app.extensions import db
from app.models import Ticket, User
from app.services.tickets.opening import open_ticket

pytestmark = pytest.mark.browser

DESK_WORDS = re.compile(r"\bTier\b|Self-service|Frontline|escalat", re.IGNORECASE)


def _visible(page) -> str:
    return page.locator("main").inner_text()


def test_the_automatic_answer_links_the_article_and_a_reply_brings_a_person(journey, server_db):
    user = db.session.scalars(select(User).where(User.email == "customer@demo.test")).one()
    ticket = open_ticket(
        user,
        subject="I forgot my password",
        description="I forgot my password and cannot sign in since this morning.",
        channel=Channel.email,
    )
    assert ticket.tier == 0

    customer = journey("customer")
    page = customer.page
    customer.sign_in("customer@demo.test")
    page.goto(f"/portal/tickets/{ticket.id}")
    page.get_by_text("Answer suggested", exact=True).wait_for()
    assert not DESK_WORDS.search(_visible(page))
    customer.step("answered automatically")
    page.locator("article.message").get_by_role("link", name="open the article").click()
    page.get_by_role("heading", level=1, name="Reset your password").wait_for()
    customer.step("the article")
    page.go_back()

    page.get_by_label("Your reply").fill("I tried that, but the email with the link never arrives.")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Your reply was sent.").wait_for()
    page.get_by_text("We're on it", exact=True).wait_for()
    assert page.get_by_text("Did the article answer your question?").count() == 0
    assert not DESK_WORDS.search(_visible(page))
    customer.step("a person takes over")
    db.session.rollback()
    db.session.expire_all()  # the ticket opened above stays loaded after its commit
    assert db.session.get(Ticket, ticket.id).tier == 1

    page.goto("/portal/")
    assert not DESK_WORDS.search(_visible(page))
    customer.step("my requests in plain words")

    agent = journey("frontline")
    agent.sign_in("frontline@demo.test")
    agent.page.goto(f"/desk/tickets/{ticket.id}")
    agent.page.get_by_text(re.compile(r"Tier changes \(\d+\)")).click()  # folded under its heading
    agent.page.get_by_text(re.compile(r"confidence [01]\.\d\d ≥ 0\.60")).first.wait_for()
    agent.step("the desk shows how sure the answer was")


def test_a_short_description_keeps_what_was_typed(journey):
    customer = journey("customer")
    page = customer.page
    customer.sign_in("customer@demo.test")
    customer.menu("New request")
    page.get_by_label("Subject").fill("Cannot export invoices")
    page.get_by_label("What happened?").fill("Fails")
    customer.expect_refusal()
    page.get_by_role("button", name="Send request").click()
    page.get_by_text("at least 3 words and 15 characters").wait_for()
    assert page.get_by_label("What happened?").input_value() == "Fails"
    customer.step("a description needs a few words")
