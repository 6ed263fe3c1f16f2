"""The API's ticket list reads its pages by keyset from an index: page 1,000 costs what page 1
does. Checked on the query the service really sends, with the database's own plan."""

from __future__ import annotations

from sqlalchemy import event, text

from app.extensions import db
from app.services.queues.lists import TicketListFilters, ticket_list
from tests.factories import make_agent, make_customer, make_ticket


def _plan(statement: str, parameters) -> str:
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return "\n".join(str(row[-1]) for row in rows)
    # A tiny test table is cheaper to scan than to read by index: ask for the plan the planner
    # would choose when a scan is not an option, which exists only if an index serves the order.
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    connection.execute(text("SET LOCAL enable_sort = off"))
    rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
    return "\n".join(row[0] for row in rows)


def _list_statement(actor, filters: TicketListFilters, after: str | None) -> tuple[str, object]:
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM tickets" in statement and "ORDER BY" in statement:
            seen.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        ticket_list(actor, filters, after=after, size=25)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert seen, "the list query was not seen"
    return seen[0]


def test_staff_and_customer_pages_read_an_index_in_order():
    customer = make_customer()
    for _ in range(30):
        make_ticket(customer)
    agent = make_agent()
    cursor = ticket_list(agent, TicketListFilters(), size=25).next_cursor
    assert cursor is not None

    for actor in (agent, customer.user):
        plan = _plan(*_list_statement(actor, TicketListFilters(), cursor))
        assert "ix_tickets_created" in plan or "ix_tickets_customer_created" in plan, plan
        assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
        # A later page seeks to its place in the index instead of scanning down to it.
        assert "SCAN" not in plan, plan


def test_a_tier_and_status_filter_uses_the_queue_index():
    make_ticket()
    plan = _plan(*_list_statement(make_agent(), TicketListFilters(tier=1, status="open"), None))
    assert "ix_tickets_queue" in plan or "ix_tickets_created" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
