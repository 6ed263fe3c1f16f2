"""A customer's reply is an append: whatever an agent or the sweep saves on the ticket at the same
moment, the reply lands (customers send no version, and nothing they write can be overwritten);
the agent's save, made at the same instant, waits for the reply instead of being refused."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.extensions import db
from app.models import Message, Ticket, User
from app.services.tickets.changes import change_priority
from app.services.tickets.conversation import add_reply
from tests.factories import make_agent, make_customer, make_ticket

ROUNDS = 25


def test_replies_and_agent_saves_at_the_same_moment_all_land(app, now):
    customer = make_customer()
    ticket_id = make_ticket(customer, tier=1).id
    customer_id, agent_id = customer.user.id, make_agent(tier=1).id
    db.session.remove()
    errors: list[Exception] = []
    start = threading.Barrier(2)

    def customer_writes() -> None:
        with app.app_context():
            start.wait()
            for n in range(ROUNDS):
                try:
                    add_reply(db.session.get(User, customer_id), ticket_id, f"More details {n}", now=now)
                except Exception as error:  # collected: any refusal fails the test
                    errors.append(error)
                db.session.remove()

    def agent_saves() -> None:
        with app.app_context():
            start.wait()
            for n in range(ROUNDS):
                priority = ("high", "normal")[n % 2]
                try:
                    change_priority(db.session.get(User, agent_id), ticket_id, priority, now=now)
                except Exception as error:  # an agent's save waits its turn too
                    errors.append(error)
                db.session.remove()

    threads = [threading.Thread(target=customer_writes), threading.Thread(target=agent_saves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    replies = db.session.scalar(
        select(func.count()).select_from(Message).where(Message.ticket_id == ticket_id)
    )
    assert replies == ROUNDS
    assert db.session.get(Ticket, ticket_id).version > ROUNDS
