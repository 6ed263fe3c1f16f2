"""The customer portal through the test client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.tickets import BODY_MAX_LENGTH
from app.domain.vocabulary import Category, Priority, Status
from app.extensions import db
from app.models import Message, Ticket
from tests.factories import make_agent, make_customer, make_message, make_ticket, make_user


def ticket_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket))


def test_my_requests_lists_only_my_tickets_in_plain_words(client, login_as):
    me, other = make_customer(), make_customer()
    mine = make_ticket(me, subject="My printer", status=Status.pending, tier=2)
    make_ticket(other, subject="Their secret")
    login_as(me.user)
    page = client.get("/portal/").get_data(as_text=True)
    assert "My printer" in page and mine.reference in page
    assert "Waiting for you" in page and not re.search(r"Tier \d|Technical", page)
    assert "Their secret" not in page


def test_my_requests_pages_with_a_cursor(client, login_as, now):
    me = make_customer()
    for n in range(27):
        make_ticket(me, subject=f"Request number {n:02d}", created_at=now - timedelta(hours=n))
    login_as(me.user)
    first = client.get("/portal/").get_data(as_text=True)
    assert "Request number 00" in first and "Request number 24" in first
    assert "Request number 25" not in first
    cursor = first.split("after=", 1)[1].split('"', 1)[0]
    second = client.get(f"/portal/?after={cursor}").get_data(as_text=True)
    assert "Request number 25" in second and "Request number 26" in second
    assert "Request number 24" not in second


def test_a_broken_page_link_is_a_400_with_a_sentence(client, login_as):
    login_as(make_customer().user)
    response = client.get("/portal/?after=garbage!!")
    assert response.status_code == 400
    assert "That page link is broken" in response.get_data(as_text=True)


def test_submitting_a_request_opens_a_ticket(client, login_as):
    me = make_customer()
    login_as(me.user)
    response = client.post(
        "/portal/new",
        data={
            "subject": "Cannot export",
            "description": "The export button spins forever.",
            "category": "billing",
            "urgency": "high",
        },
    )
    assert response.status_code == 302
    ticket = db.session.scalars(select(Ticket)).one()
    assert (ticket.customer_id, ticket.category, ticket.priority) == (me.id, Category.billing, Priority.high)
    assert response.headers["Location"] == f"/portal/tickets/{ticket.id}"
    assert f"Request {ticket.reference} received" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject": "", "description": "It jams on every page."}, "Give the request a subject."),
        ({"subject": "   ", "description": "It jams on every page."}, "Give the request a subject."),
        ({"subject": "Printer", "description": "Jammed"}, "at least 3 words and 15 characters"),
        ({"subject": "x" * 201, "description": "x"}, "Field cannot be longer than 200 characters."),
        ({"subject": "Hi", "description": ""}, "Describe what happened."),
        ({"subject": "Hi", "description": "x", "urgency": "whenever"}, "Not a valid choice"),
    ],
)
def test_bad_requests_are_form_errors_and_nothing_is_saved(client, login_as, data, message):
    login_as(make_customer().user)
    response = client.post("/portal/new", data={"category": "general", "urgency": "normal", **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert ticket_count() == 0


def test_a_ticket_page_shows_public_messages_but_never_internal_notes(client, login_as):
    me = make_customer()
    ticket = make_ticket(me)
    agent = make_agent()
    make_message(ticket, agent, body="Try clearing the cache.")
    make_message(ticket, agent, body="Customer is on the legacy plan, be careful", internal=True)
    login_as(me.user)
    page = client.get(f"/portal/tickets/{ticket.id}").get_data(as_text=True)
    assert "Try clearing the cache." in page
    assert "legacy plan" not in page


def test_another_customers_ticket_is_not_found(client, login_as):
    ticket = make_ticket(make_customer())
    login_as(make_customer().user)
    assert client.get(f"/portal/tickets/{ticket.id}").status_code == 404
    assert client.post(f"/portal/tickets/{ticket.id}/reply", data={"body": "hi"}).status_code == 404
    assert client.post(f"/portal/tickets/{ticket.id}/reopen").status_code == 404
    assert client.get("/portal/tickets/999999").status_code == 404


def test_a_reply_is_added_and_an_empty_one_refused(client, login_as):
    me = make_customer()
    ticket = make_ticket(me, status=Status.pending)
    login_as(me.user)
    assert client.post(f"/portal/tickets/{ticket.id}/reply", data={"body": "  "}).status_code == 400
    response = client.post(f"/portal/tickets/{ticket.id}/reply", data={"body": "Here is the log"})
    assert response.status_code == 302
    assert db.session.scalars(select(Message.body)).all() == ["Here is the log"]
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status is Status.open


def test_a_solved_ticket_can_be_reopened_and_a_closed_one_not_replied_to(client, login_as):
    me = make_customer()
    solved = make_ticket(me, status=Status.solved)
    closed = make_ticket(me, status=Status.closed)
    login_as(me.user)
    assert "Reopen this request" in client.get(f"/portal/tickets/{solved.id}").get_data(as_text=True)
    assert client.post(f"/portal/tickets/{solved.id}/reopen").status_code == 302
    db.session.expire_all()
    assert db.session.get(Ticket, solved.id).status is Status.open
    assert client.post(f"/portal/tickets/{solved.id}/reopen").status_code == 400
    page = client.get(f"/portal/tickets/{closed.id}").get_data(as_text=True)
    assert "open a new request" in page and "Send reply" not in page
    response = client.post(f"/portal/tickets/{closed.id}/reply", data={"body": "hello?"})
    assert response.status_code == 400
    assert "This request is closed" in response.get_data(as_text=True)


def test_staff_are_sent_to_the_desk_and_anonymous_users_to_sign_in(client, login_as):
    assert client.get("/portal/new").headers["Location"].startswith("/auth/login?next=")
    login_as(make_agent())
    assert client.get("/portal/").headers["Location"] == "/desk/"


def test_an_oversized_reply_is_a_form_error_and_nothing_is_saved(client, login_as):
    me = make_customer()
    ticket = make_ticket(me)
    login_as(me.user)
    response = client.post(f"/portal/tickets/{ticket.id}/reply", data={"body": "x" * (BODY_MAX_LENGTH + 1)})
    assert response.status_code == 400
    assert f"longer than {BODY_MAX_LENGTH} characters" in response.get_data(as_text=True)
    assert db.session.scalars(select(Message)).all() == []


def test_a_reply_to_a_solved_request_reopens_it(client, login_as):
    me = make_customer()
    ticket = make_ticket(me, status=Status.solved)
    login_as(me.user)
    assert client.post(f"/portal/tickets/{ticket.id}/reply", data={"body": "Still broken"}).status_code == 302
    db.session.expire_all()
    reopened = db.session.get(Ticket, ticket.id)
    assert (reopened.status, reopened.reopen_count) == (Status.open, 1)


def test_a_customer_account_without_a_profile_is_refused_with_a_sentence(client, login_as):
    login_as(make_user())
    for response in (
        client.get("/portal/"),
        client.get("/portal/new"),
        client.post(
            "/portal/new",
            data={"subject": "Hi", "description": "x", "category": "general", "urgency": "normal"},
        ),
    ):
        assert response.status_code == 403
        assert "no customer profile" in response.get_data(as_text=True)
    assert ticket_count() == 0
