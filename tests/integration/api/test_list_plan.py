"""The API's ticket list reads its pages by keyset from an index: page 1,000 costs what page 1
does. Checked on the query the service really sends, with the database's own plan."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, text

from app.domain.vocabulary import Status
from app.extensions import db
from app.models import TicketTag
from app.services.common.pagination import encode_cursor
from app.services.queues.lists import TicketListFilters, ticket_list
from tests.factories import make_agent, make_customer, make_ticket
from tests.planner_states import STATES, set_planner_state


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
    # Any index that serves the order will do (on a tiny table PostgreSQL takes the tier one).
    ordered = (
        "ix_tickets_queue",
        "ix_tickets_created",
        "ix_tickets_tier_created",
        "ix_tickets_status_created",
    )
    assert any(name in plan for name in ordered), plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


@pytest.fixture(params=STATES)
def planner_as_the_app_leaves_it(request, app):
    """SQLite without statistics, then with the sampled ones the app gathers; PostgreSQL as is."""
    if request.param != STATES[0] and db.engine.dialect.name != "sqlite":
        pytest.skip("the sampled statistics are SQLite's")
    set_planner_state(request.param)


FILTERS = {
    "status": {"status": "pending"},
    "tier": {"tier": 2},
    "priority": {"priority": "high"},
    "assignee": {"assignee_id": "agent"},
    "customer": {"customer_id": "customer"},
    "organization": {"organization_id": "organization"},
    "tier and status": {"tier": 2, "status": "pending"},
    "assignee and status": {"assignee_id": "agent", "status": "pending"},
    "status and priority": {"status": "pending", "priority": "high"},
}


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_walks_an_index_in_order_from_its_cursor(planner_as_the_app_leaves_it, name):
    agent = make_agent()
    customer = make_customer()
    known = {"agent": agent.id, "customer": customer.id, "organization": customer.organization_id}
    values = {k: known.get(v, v) if isinstance(v, str) else v for k, v in FILTERS[name].items()}
    for n in range(3):
        make_ticket(
            customer,
            tier=2,
            status="pending",
            priority="high",
            assignee_id=agent.id,
            created_at=datetime(2026, 3, 1, 9, n, tzinfo=UTC),
        )
    filters = TicketListFilters(**values)
    first = ticket_list(agent, filters, size=2)
    assert len(first.items) == 2 and first.next_cursor is not None

    for after in (None, first.next_cursor):
        plan = _plan(*_list_statement(agent, filters, after))
        if name not in BY_STATUS:
            assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
        assert "Seq Scan" not in plan and "Bitmap" not in plan, plan
        for line in plan.splitlines():
            if line.startswith(("SCAN", "SEARCH")) and " tickets" in line:
                assert "INDEX" in line or "INTEGER PRIMARY KEY" in line, plan
        if after is not None:
            # The cursor is a bound of the index read: page 1,000 starts where it is.
            assert "created_at<" in plan or "created_at <" in plan, plan


# Narrowed by these alone, the list has no index of its own in creation order (an opening would
# write it): it reads the queue index a status at a time, at most a page from each, and sorts
# only the ids those reads found.
BY_STATUS = {"tier": "ix_tickets_queue", "assignee": "ix_tickets_assignee_queue"}


@pytest.mark.parametrize("name", BY_STATUS)
def test_a_tier_or_an_assignee_alone_reads_a_page_per_status(planner_as_the_app_leaves_it, name):
    agent = make_agent()
    make_ticket(tier=2, status="pending", assignee_id=agent.id)
    values = {k: agent.id if v == "agent" else v for k, v in FILTERS[name].items()}
    after = encode_cursor(datetime(2026, 3, 1, tzinfo=UTC), 10**6)
    for cursor in (None, after):
        plan = _plan(*_list_statement(agent, TicketListFilters(**values), cursor))
        if db.engine.dialect.name != "sqlite":
            # On a tiny table PostgreSQL may take any index with the status first: one bounded
            # index read per status all the same, never a scan of the table.
            assert "Seq Scan" not in plan and "Bitmap" not in plan, plan
            assert all(f"'{status.value}'" in plan for status in Status), plan
            continue
        reads = [line for line in plan.splitlines() if line.startswith("SEARCH tickets USING COVERING")]
        assert len(reads) == len(Status), plan
        bound = "status=? AND created_at<?)" if cursor else "status=?)"
        assert all(BY_STATUS[name] in line and line.endswith(bound) for line in reads), plan
        # The ticket rows read are the page's, by their ids.
        assert plan.splitlines()[0] == "SEARCH tickets USING INTEGER PRIMARY KEY (rowid=?)", plan


def test_a_tier_list_pages_through_every_status_newest_first():
    agent = make_agent()
    customer = make_customer()
    statuses = list(Status)
    made = [
        make_ticket(
            customer,
            tier=3,
            status=statuses[(n * 5) % len(statuses)],
            assignee_id=agent.id if n % 2 else None,
            created_at=datetime(2026, 3, 1, 9, n // 2, tzinfo=UTC),  # pairs share a time
        )
        for n in range(23)
    ]
    make_ticket(customer, tier=2, created_at=datetime(2026, 3, 1, 10, tzinfo=UTC))
    for ticket in made[::3]:
        db.session.add(TicketTag(ticket_id=ticket.id, tag="billing"))
    db.session.commit()
    for values, expected in (
        ({"tier": 3}, made),
        ({"assignee_id": agent.id}, [t for n, t in enumerate(made) if n % 2]),
        ({"tier": 3, "priority": "normal"}, made),
        ({"tier": 3, "tag": "Billing"}, made[::3]),
    ):
        seen, after = [], ""  # an empty cursor is the first page
        while True:
            page = ticket_list(agent, TicketListFilters(**values), after=after, size=4)
            seen += [t.id for t in page.items]
            if page.next_cursor is None:
                break
            after = page.next_cursor
        newest_first = sorted(expected, key=lambda t: (t.created_at, t.id), reverse=True)
        assert seen == [t.id for t in newest_first], values
