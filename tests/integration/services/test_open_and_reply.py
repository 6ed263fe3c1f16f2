from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.vocabulary import Status
from app.extensions import db
from app.models import Activity, Message, Ticket
from app.services.common.transaction import transaction
from app.services.tickets.conversation import add_internal_note, add_reply, reopen_ticket
from app.services.tickets.opening import open_ticket
from tests.factories import make_agent, make_customer, make_ticket


def test_customer_opens_a_ticket_at_tier_one_with_reference_and_history(now):
    customer = make_customer()
    ticket = open_ticket(
        customer.user,
        subject="  Login   broken ",
        description="It fails",
        category="account",
        priority="high",
        now=now,
    )
    assert ticket.reference == f"TD-{ticket.id + 1000}"
    assert (ticket.subject, ticket.tier, ticket.status.value) == ("Login broken", 1, "new")
    assert ticket.organization_id == customer.organization_id
    events = db.session.scalars(select(Activity).where(Activity.ticket_id == ticket.id)).all()
    assert [e.kind for e in events] == ["ticket_opened"]
    assert events[0].customer_id == customer.id


@pytest.mark.parametrize("subject", ["", "   ", "x" * 201])
def test_bad_subject_is_refused_and_nothing_is_written(now, subject):
    customer = make_customer()
    with pytest.raises(InvalidInput) as error:
        open_ticket(customer.user, subject=subject, description="body", now=now)
    assert error.value.field == "subject"
    assert db.session.scalar(select(db.func.count(Ticket.id))) == 0
    assert db.session.scalar(select(db.func.count(Activity.id))) == 0


def test_agent_reply_sets_first_response_and_opens_a_new_ticket(now):
    agent = make_agent(tier=1)
    ticket = make_ticket(status=Status.new)
    add_reply(agent, ticket.id, "We are on it", now=now)
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.status is Status.open
    assert ticket.first_responded_at == now


def test_customer_reply_reopens_a_solved_ticket(now):
    ticket = make_ticket(status=Status.solved)
    add_reply(ticket.customer.user, ticket.id, "Still broken", now=now)
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.status is Status.open
    assert ticket.reopen_count == 1
    kinds = db.session.scalars(select(Activity.kind).where(Activity.ticket_id == ticket.id)).all()
    assert sorted(kinds) == ["customer_replied", "ticket_reopened"]


def test_customer_cannot_reply_on_another_customers_ticket(now):
    ticket = make_ticket()
    stranger = make_customer()
    with pytest.raises(NotFound):
        add_reply(stranger.user, ticket.id, "hi", now=now)
    assert db.session.scalar(select(db.func.count(Message.id))) == 0


def test_internal_note_needs_staff(now):
    ticket = make_ticket()
    with pytest.raises(NotAllowed):
        add_internal_note(ticket.customer.user, ticket.id, "sneaky", now=now)
    note = add_internal_note(make_agent(tier=1), ticket.id, "check logs", now=now)
    assert note.internal is True


def test_reopen_only_from_solved(now):
    ticket = make_ticket(status=Status.open)
    with pytest.raises(InvalidInput):
        reopen_ticket(ticket.customer.user, ticket.id, now=now)


def test_an_opening_after_one_rolled_back_in_the_same_session_is_stored(now):
    """On SQLite the second opening takes the rolled-back ticket's number again, while the
    session still holds the first one's object (a mail retried after a rollback, say)."""
    customer = make_customer()
    with pytest.raises(RuntimeError), transaction():  # the opening joins it, then it rolls back
        open_ticket(customer.user, subject="Lost", description="Rolled back", now=now)
        raise RuntimeError("after the ticket's row was written")
    open_ticket(customer.user, subject="Kept", description="Stored", now=now)
    db.session.expire_all()
    assert db.session.scalars(select(Ticket.subject)).all() == ["Kept"]
