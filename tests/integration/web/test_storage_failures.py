"""A database that cannot take writes (a read-only SQLite file or PostgreSQL server, here made so
per transaction): saves answer 503 "nothing was lost" with the typed text ready to send again,
and pages that only read keep working."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Message, Team, Ticket
from tests import factories
from tests.factories import signed_in


class ReadOnly:
    """Connections opened while `on` cannot write: SQLite's query_only pragma (what a read-only
    file gives), PostgreSQL's default_transaction_read_only (a read-only server or replica)."""

    def __init__(self) -> None:
        self.on = False

    def __call__(self, dbapi_connection, _record) -> None:
        if not self.on:
            return
        cursor = dbapi_connection.cursor()
        if db.engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET SESSION default_transaction_read_only = on")
            dbapi_connection.commit()
        cursor.close()

    def _reconnect(self, on: bool) -> None:
        self.on = on
        db.session.commit()  # ends the test's transaction; its objects stay in the session
        db.engine.dispose()

    def start(self) -> None:
        """The disk fills up, the file or server turns read-only."""
        self._reconnect(True)

    def clear(self) -> None:
        """The disk has room again: connections opened from now on can write."""
        self._reconnect(False)


@pytest.fixture
def read_only(app):
    fault = ReadOnly()
    event.listen(db.engine, "connect", fault)
    try:
        yield fault
    finally:
        event.remove(db.engine, "connect", fault)
        fault.clear()


def resend_form(page: str) -> dict[str, str]:
    """The fields of the 'Try again' form on the 503 page."""
    form = page[page.index('<form method="post"', page.index("<main")) :]
    form = form[: form.index("</form>")]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    fields |= dict(re.findall(r'<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)</textarea>', form))
    return fields


def test_a_desk_reply_is_kept_when_the_database_cannot_save(app, read_only):
    ticket = factories.make_ticket(tier=1)
    agent = signed_in(app, factories.make_agent(tier=1))
    version = str(ticket.version)
    read_only.start()
    refused = agent.post(
        f"/desk/tickets/{ticket.id}/reply",
        data={"reply-body": "Restart the sync agent", "reply-status": "", "reply-version": version},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 503
    assert "We could not save this just now" in page and "Nothing was lost" in page
    assert refused.headers["Retry-After"]
    assert f'action="/desk/tickets/{ticket.id}/reply"' in page
    assert resend_form(page) == {
        "reply-body": "Restart the sync agent",
        "reply-status": "",
        "reply-version": version,
    }
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0

    read_only.clear()  # the same form, sent again, goes through
    again = agent.post(f"/desk/tickets/{ticket.id}/reply", data=resend_form(page))
    assert again.status_code == 302
    assert db.session.scalars(select(Message.body)).all() == ["Restart the sync agent"]


def test_opening_a_ticket_works_when_presence_cannot_be_written(app, read_only):
    ticket = factories.make_ticket(tier=1, subject="Printer offline")
    agent = signed_in(app, factories.make_agent(tier=1))
    read_only.start()
    page = agent.get(f"/desk/tickets/{ticket.id}")
    assert page.status_code == 200 and "Printer offline" in page.get_data(as_text=True)
    assert agent.get("/desk/queues/tier-1").status_code == 200


def test_a_customers_new_request_is_kept_and_their_pages_still_open(app, read_only):
    customer = factories.make_customer()
    ticket = factories.make_ticket(customer=customer, subject="Invoice is wrong")
    client = signed_in(app, customer.user)
    read_only.start()
    assert client.get(f"/portal/tickets/{ticket.id}").status_code == 200
    refused = client.post(
        "/portal/new",
        data={
            "subject": "Cannot log in",
            "description": "Since this morning the login page says my account is locked.",
            "category": "account",
            "urgency": "normal",
        },
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 503
    kept = resend_form(page)
    assert kept["subject"] == "Cannot log in"
    assert kept["description"] == "Since this morning the login page says my account is locked."
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1


def test_a_password_is_never_written_back_into_the_page(app, read_only):
    read_only.start()
    secret = "correct horse battery staple 91"
    refused = app.test_client().post(
        "/auth/register",
        data={"name": "Dana Park", "email": "dana@example.com", "password": secret, "confirm": secret},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 503
    assert secret not in page and "type yours again" in page
    assert resend_form(page)["name"] == "Dana Park"


def test_the_heartbeat_answers_503_in_json(app, read_only):
    ticket = factories.make_ticket(tier=1)
    agent = signed_in(app, factories.make_agent(tier=1))
    read_only.start()
    beat = agent.post(f"/desk/tickets/{ticket.id}/viewers", headers={"Accept": "application/json"})
    assert beat.status_code == 503
    assert beat.get_json()["error"] == "Not saved yet"


@pytest.fixture
def database_down(app):
    """Every statement fails as when the server went away (a restart, a failover)."""

    def refuse(connection, *_args) -> None:
        raise connection.dialect.loaded_dbapi.OperationalError("server closed the connection unexpectedly")

    def start(*, end_transaction: bool = True) -> None:
        if end_transaction:
            db.session.commit()
        event.listen(db.engine, "before_cursor_execute", refuse)

    try:
        yield start
    finally:
        if event.contains(db.engine, "before_cursor_execute", refuse):
            event.remove(db.engine, "before_cursor_execute", refuse)


def test_with_the_database_gone_pages_answer_503_without_touching_it_again(app, database_down):
    ticket = factories.make_ticket(tier=1)
    agent = signed_in(app, factories.make_agent(tier=1))
    ticket_id = ticket.id
    database_down()
    page = agent.get(f"/desk/tickets/{ticket_id}")
    assert page.status_code == 503
    assert "We could not load this page just now" in page.get_data(as_text=True)
    refused = agent.post(
        f"/desk/tickets/{ticket_id}/reply", data={"reply-body": "Back in five", "reply-status": ""}
    )
    assert refused.status_code == 503
    assert resend_form(refused.get_data(as_text=True))["reply-body"] == "Back in five"


def test_an_error_page_that_cannot_read_the_signed_in_user_is_the_503_page(app, database_down):
    agent = signed_in(app, factories.make_agent(tier=1))
    database_down()
    missing = agent.get("/no-such-page")
    assert missing.status_code == 503
    assert "We could not load this page just now" in missing.get_data(as_text=True)


def test_a_write_stored_just_before_the_database_went_away_is_said_to_be_saved(app, database_down):
    # A new team's page reads the team again after the commit (its name, for the notice).
    client = signed_in(app, factories.make_admin())

    inserted: list[int] = []

    def team_inserted(_mapper, _connection, team) -> None:
        inserted.append(team.id)

    def gone_after_commit(_connection) -> None:
        if inserted:  # the commit that stores the new team, not the one ending a read
            database_down(end_transaction=False)

    event.listen(Team, "after_insert", team_inserted)
    event.listen(db.engine, "commit", gone_after_commit)
    try:
        answer = client.post("/admin/teams", data={"name": "Night shift", "tier": "1"})
    finally:
        event.remove(db.engine, "commit", gone_after_commit)
        event.remove(Team, "after_insert", team_inserted)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 503
    assert "Your change was saved; do not send it again" in page and "Try again" not in page


def test_a_new_request_needs_no_database_after_its_commit(app, database_down):
    """The new request's answer is built from what was written: a database gone right after the
    commit does not turn a stored request into an error page."""
    customer = factories.make_customer()
    client = signed_in(app, customer.user)

    def ticket_inserted(_mapper, _connection, _ticket) -> None:
        event.listen(db.engine, "commit", lambda _c: database_down(end_transaction=False), once=True)

    event.listen(Ticket, "after_insert", ticket_inserted)
    try:
        answer = client.post(
            "/portal/new",
            data={
                "subject": "VPN drops",
                "description": "The VPN drops every hour.",
                "category": "technical",
                "urgency": "normal",
            },
        )
    finally:
        event.remove(Ticket, "after_insert", ticket_inserted)
    assert answer.status_code == 302
    assert "/portal/tickets/" in answer.headers["Location"]
