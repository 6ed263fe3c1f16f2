"""Merging a duplicate: messages and history move, the duplicate closes with a link."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.vocabulary import ActivityKind, Status
from app.extensions import db
from app.models import Activity, Message, Ticket
from app.services.common.history import record
from tests.factories import make_agent, make_customer, make_message, make_ticket


def test_a_duplicate_is_merged_from_the_desk(client, login_as, now):
    customer = make_customer()
    keep, duplicate = make_ticket(customer), make_ticket(customer, subject="Same problem again")
    make_message(duplicate, customer.user, body="Still broken, see screenshot")
    record(ActivityKind.customer_replied, "replied on the duplicate", now=now, ticket=duplicate)
    db.session.commit()
    login_as(make_agent(tier=1))
    response = client.post(f"/desk/tickets/{duplicate.id}/merge", data={"merge-target": keep.reference})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Ticket, duplicate.id).status is Status.closed
    moved = db.session.scalars(select(Message.body).where(Message.ticket_id == keep.id)).all()
    assert "Still broken, see screenshot" in moved
    assert any("was merged into this request" in body for body in moved)
    left = db.session.scalars(select(Message.body).where(Message.ticket_id == duplicate.id)).all()
    assert left == [f"This request was merged into {keep.reference}; we continue there."]
    history = db.session.scalars(select(Activity.summary).where(Activity.ticket_id == keep.id)).all()
    assert "replied on the duplicate" in history


def test_merging_is_refused_across_customers_into_itself_or_unknown_tickets(client, login_as):
    ticket = make_ticket(make_customer())
    other = make_ticket(make_customer())
    login_as(make_agent(tier=1))
    for target, message in (
        (other.reference, "same customer"),
        (ticket.reference, "into itself"),
        ("TD-999999", "No ticket"),
        ("nonsense", "reference of the ticket"),
    ):
        response = client.post(f"/desk/tickets/{ticket.id}/merge", data={"merge-target": target})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status is not Status.closed
