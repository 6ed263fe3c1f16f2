"""`customers.open_tickets`, kept by the database's triggers (app/counter_schema.py), equals the
count of each customer's active tickets after every kind of write: the services, bulk UPDATEs,
deletes, a contact merge, the demo data restored from its snapshot."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, event, func, select, text, update

from app.counter_schema import POSTGRES_TRIGGER, SQLITE_TRIGGERS
from app.domain.vocabulary import ACTIVE_STATUSES, Status
from app.extensions import db
from app.models import Customer, Ticket
from app.services.relationship.contacts_admin import merge_contacts
from app.services.relationship.figures import customer_facts, health_inputs
from app.services.tickets.changes import change_status
from app.services.tickets.conversation import reopen_ticket
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer, make_ticket
from tests.planner_states import STATES, plan_lines, set_planner_state


def counted() -> dict[int, int]:
    """Every customer's stored count."""
    return dict(db.session.execute(select(Customer.id, Customer.open_tickets).order_by(Customer.id)).all())


def recounted() -> dict[int, int]:
    """Every customer's active tickets, counted row by row."""
    active = func.count(Ticket.id).filter(Ticket.status.in_(ACTIVE_STATUSES))
    rows = db.session.execute(
        select(Customer.id, active).outerjoin(Ticket, Ticket.customer_id == Customer.id).group_by(Customer.id)
    )
    return dict(sorted(rows.all()))


def assert_kept() -> None:
    db.session.expire_all()
    assert counted() == recounted()


def test_the_triggers_exist_at_the_head():
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        names = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars()
        assert set(SQLITE_TRIGGERS) <= set(names)
    else:
        names = connection.execute(
            text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'tickets'::regclass AND NOT tgisinternal")
        ).scalars()
        assert POSTGRES_TRIGGER in set(names)


def test_opening_and_every_status_move_keep_the_count(now):
    customer, other = make_customer(), make_customer()
    agent = make_agent(tier=3)
    first = open_ticket(customer.user, subject="One", description="x", now=now)
    second = open_ticket(customer.user, subject="Two", description="x", now=now)
    open_ticket(other.user, subject="Three", description="x", now=now)
    assert_kept()
    assert counted()[customer.id] == 2
    change_status(agent, first.id, "open", now=now)  # active to active: still counted once
    assert_kept()
    change_status(agent, first.id, "solved", now=now)
    assert_kept()
    assert counted()[customer.id] == 1
    reopen_ticket(customer.user, first.id, now=now)
    assert_kept()
    assert counted()[customer.id] == 2
    change_status(agent, second.id, "pending", now=now)
    change_status(agent, second.id, "solved", now=now)
    change_status(agent, second.id, "closed", now=now)
    assert_kept()
    assert counted()[customer.id] == 1


def test_bulk_statements_moves_and_deletes_keep_the_count():
    one, two = make_customer(), make_customer()
    tickets = [make_ticket(one, status=status) for status in Status]
    make_ticket(two, status=Status.new)
    assert_kept()
    assert counted()[one.id] == len(ACTIVE_STATUSES)
    db.session.execute(update(Ticket).where(Ticket.customer_id == one.id).values(status=Status.pending))
    db.session.commit()
    assert_kept()
    assert counted()[one.id] == len(tickets)
    # Moved to another customer, in and out of the active statuses at once.
    db.session.execute(
        update(Ticket).where(Ticket.id == tickets[0].id).values(customer_id=two.id, status=Status.solved)
    )
    db.session.execute(update(Ticket).where(Ticket.id == tickets[1].id).values(customer_id=two.id))
    db.session.commit()
    assert_kept()
    assert (counted()[one.id], counted()[two.id]) == (len(tickets) - 2, 2)
    db.session.execute(delete(Ticket).where(Ticket.id == tickets[2].id))
    db.session.commit()
    assert_kept()


def test_a_contact_merge_moves_the_count(now):
    admin = make_admin()
    survivor, merged = make_customer(), make_customer()
    make_ticket(survivor)
    make_ticket(merged)
    make_ticket(merged, status=Status.closed)
    merge_contacts(admin, survivor.id, merged.id, now=now)
    assert_kept()
    assert counted()[survivor.id] == 2


def test_the_health_figures_read_the_count(now):
    customer = make_customer()
    for status in (Status.new, Status.on_hold, Status.solved):
        make_ticket(customer, status=status)
    assert customer_facts(customer.id, now)[0].open_tickets == 2
    assert health_inputs([customer.id, make_customer().id], now)[customer.id].open_tickets == 2


def test_the_first_read_steps_through_no_customer_s_tickets_one_by_one(now):
    """SQLite plans the customer's figures without walking their tickets, with or without
    statistics (the escalated tickets' index is empty on a desk with no escalation yet)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    customer = make_customer()
    make_ticket(customer)
    sent: list[tuple[str, tuple]] = []

    def keep(_connection, _cursor, statement, parameters, _context, _many) -> None:
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        customer_facts(customer.id, now)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    statement, parameters = sent[-1]
    for state in STATES:  # statistics left as the other plan tests leave them
        set_planner_state(state)
        plan = " ".join(plan_lines(statement, parameters))
        assert "ix_tickets_customer_escalated" in plan, state
        assert "ix_tickets_customer_created" not in plan, state


@pytest.mark.usefixtures("demo")
def test_the_restored_demo_is_counted_once():
    assert_kept()
    assert sum(counted().values()) > 0
