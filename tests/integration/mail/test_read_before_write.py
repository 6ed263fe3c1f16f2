"""A mail is read before its write turn and written inside it: what another writer stores in
between (the same mail, a first mail of the same new sender, a change to the ticket) is found
by the re-checks in the turn. The other writer here is a second session on its own connection,
storing a mail or a reply right after this mail's reads, as another endpoint process would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, Message, Ticket, User
from app.services.inbound_mail import inbound
from app.services.inbound_mail.inbound import receive_mail
from app.services.tickets.conversation import add_reply
from tests.factories import make_agent
from tests.integration.mail.test_inbound import inbound_rows, mail


def _raw(message) -> bytes:
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


@pytest.fixture
def between(app, monkeypatch):
    """`between(work)`: `work` runs once in a session of its own (committed), right after the
    next mail's reads and before its write turn."""
    pending: list[Callable[[], None]] = []
    real = inbound.find_ticket

    def find_then_interleave(*args, **kwargs):
        found = real(*args, **kwargs)
        while pending:
            work = pending.pop()
            with app.app_context():  # a session and connection of its own
                work()
                db.session.remove()
        return found

    monkeypatch.setattr(inbound, "find_ticket", find_then_interleave)
    return pending.append


def test_first_mails_of_one_new_sender_in_between_make_one_login_and_customer(app, between):
    first = _raw(mail("Nia <nia@race.test>", "One", "First.", Message_ID="<r1@race.test>"))
    second = _raw(mail("Nia <nia@race.test>", "Two", "Second.", Message_ID="<r2@race.test>"))
    between(lambda: receive_mail(first))
    receive_mail(second)

    rows = inbound_rows()
    assert [(row.message_id, row.status) for row in rows] == [
        ("r1@race.test", "processed"),
        ("r2@race.test", "processed"),
    ]
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "nia@race.test")) == 1
    (customer,) = db.session.scalars(select(Customer).where(Customer.email == "nia@race.test"))
    tickets = db.session.scalars(select(Ticket).where(Ticket.id.in_([row.ticket_id for row in rows])))
    assert sorted(ticket.customer_id for ticket in tickets) == [customer.id, customer.id]


@pytest.mark.parametrize("known", [False, True], ids=["new sender", "known sender"])
def test_the_same_mail_stored_in_between_is_recognised_as_received(app, between, known):
    if known:  # a known sender's new request: the thread entry's unique Message-ID catches it
        receive_mail(_raw(mail("omar@race.test", "Before", "Earlier.", Message_ID="<d0@race.test>")))
    raw = _raw(mail("omar@race.test", "Twice", "Once only.", Message_ID="<d1@race.test>"))
    between(lambda: receive_mail(raw))
    again = receive_mail(raw)

    assert (again.status, again.reason) == ("ignored", inbound.ALREADY_RECEIVED)
    statuses = [row.status for row in inbound_rows() if row.message_id == "d1@race.test"]
    assert statuses == ["processed", "ignored"]
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == (2 if known else 1)


def test_a_ticket_changed_in_between_still_gets_the_answer(app, between):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL locks the ticket from its read on: a change waits for the mail")
    asked = receive_mail(_raw(mail("lea@race.test", "Broken", "It fails.", Message_ID="<t1@race.test>")))
    ticket_id = asked.ticket_id
    agent_id = make_agent(tier=1).id
    version = db.session.get(Ticket, ticket_id).version

    def agent_answers() -> None:
        add_reply(db.session.get(User, agent_id), ticket_id, "Try turning it off.", now=asked.received_at)

    between(agent_answers)
    answer = receive_mail(
        _raw(
            mail(
                "lea@race.test",
                "Re: Broken",
                "Still failing.",
                Message_ID="<t2@race.test>",
                In_Reply_To="<t1@race.test>",
            )
        )
    )

    assert (answer.status, answer.ticket_id) == ("processed", ticket_id)
    db.session.expire_all()
    bodies = db.session.scalars(
        select(Message.body).where(Message.ticket_id == ticket_id).order_by(Message.id)
    ).all()
    assert bodies[-2:] == ["Try turning it off.", "Still failing."]
    assert db.session.get(Ticket, ticket_id).version >= version + 2
