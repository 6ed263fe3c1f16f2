"""One statement for many rows (the sweep's batch writes): every row lands as the session
would have written it, with the columns' defaults and types, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

from sqlalchemy import bindparam, event, insert, select, update

from app.domain.vocabulary import TierChangeCause
from app.extensions import db
from app.models import Activity, Notification, Ticket, TierChange
from app.services.common.many_rows import FEW_ROWS, execute_many, insert_many
from app.services.common.row_batch import RowBatch
from tests.factories import make_ticket


def test_rows_get_their_columns_defaults_and_utc_times(now):
    ticket = make_ticket()
    db.session.commit()
    east = timezone(timedelta(hours=2))
    rows = [
        {
            "ticket_id": ticket.id,
            "recipient_kind": "admins",
            "subject": f"Notice {n}",
            "body": "Body",
            # The same instant in two zones, and a later one.
            "created_at": [now, now.astimezone(east), now + timedelta(minutes=1)][n],
        }
        for n in range(3)
    ]
    execute_many(insert(Notification.__table__), rows)
    db.session.commit()

    stored = db.session.scalars(select(Notification).order_by(Notification.subject)).all()
    assert [(n.subject, n.created_at, n.kind, n.automatic, n.attempts) for n in stored] == [
        ("Notice 0", now, "notice", True, 0),
        ("Notice 1", now, "notice", True, 0),
        ("Notice 2", now + timedelta(minutes=1), "notice", True, 0),
    ]
    assert all(n.created_at.tzinfo == UTC for n in stored)


def test_enumerations_and_json_are_stored_as_their_columns_store_them(now):
    ticket = make_ticket()
    db.session.commit()
    execute_many(
        insert(TierChange.__table__),
        [
            {
                "ticket_id": ticket.id,
                "from_tier": 1,
                "to_tier": 2,
                "cause": cause,
                "reason_code": None,
                "reason": "r",
                "actor_id": None,
                "rule_name": None,
                "created_at": now,
            }
            for cause in (TierChangeCause.sla, "rule")
        ],
    )
    execute_many(
        insert(Activity.__table__),
        [
            {
                "kind": "sla_breached",
                "summary": "a",
                "data": {"n": 1},
                "created_at": now,
                "ticket_id": ticket.id,
            },
            {
                "kind": "sla_breached",
                "summary": "b",
                "data": {"n": True},
                "created_at": now,
                "ticket_id": ticket.id,
            },
        ],
    )
    db.session.commit()

    changes = db.session.scalars(select(TierChange).order_by(TierChange.id)).all()
    assert [c.cause for c in changes] == [TierChangeCause.sla, TierChangeCause.rule]
    activities = db.session.scalars(select(Activity).order_by(Activity.summary)).all()
    assert [a.data for a in activities] == [{"n": 1}, {"n": True}]
    assert activities[1].data["n"] is True


def test_a_row_without_a_column_computed_per_row_gets_it(now):
    ticket = make_ticket()
    db.session.commit()
    execute_many(insert(Activity.__table__), [{"kind": "note", "summary": "s", "ticket_id": ticket.id}])
    db.session.commit()

    activity = db.session.scalars(select(Activity)).one()
    assert activity.data == {}
    assert activity.created_at is not None


def test_an_update_counts_the_rows_its_guard_matched_and_applies_its_own_values():
    tickets = [make_ticket(tier=1), make_ticket(tier=1), make_ticket(tier=1)]
    read = [(t.id, t.version) for t in tickets]
    table = Ticket.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values(tier=bindparam("tier"), version=table.c.version + 1)
    )
    # The last row's guard names a version the ticket does not have.
    rows = [{"b_id": ticket_id, "b_version": version, "tier": 2} for ticket_id, version in read]
    rows[-1]["b_version"] += 5

    assert execute_many(statement, rows) == 2
    assert execute_many(statement, []) == 0
    db.session.commit()

    stored = db.session.execute(select(table.c.id, table.c.tier, table.c.version).order_by(table.c.id))
    assert [tuple(row) for row in stored] == [
        (read[0][0], 2, read[0][1] + 1),
        (read[1][0], 2, read[1][1] + 1),
        (read[2][0], 1, read[2][1]),
    ]


def _inserts_into(table: str, run) -> list[str]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith(f"INSERT INTO {table}"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return statements


def test_a_batchs_rows_naming_different_columns_go_in_one_insert_stored_as_apart(now):
    ticket = make_ticket()
    db.session.commit()
    rows = RowBatch()
    # An agent's notice names no template, data, message or `automatic`; the customer's no rule.
    rows.add(
        Notification,
        {
            "ticket_id": ticket.id,
            "recipient_kind": "assignee",
            "subject": "Agent",
            "body": "b",
            "rule_name": "Route",
            "created_at": now,
            "kind": "assigned",
        },
    )
    rows.add(
        Notification,
        {
            "ticket_id": ticket.id,
            "recipient_kind": "customer",
            "subject": "Customer",
            "body": "b",
            "template": "request_received",
            "data": {"reference": ticket.reference},
            "automatic": False,
            "created_at": now,
            "kind": "request_received",
        },
    )
    assert len(_inserts_into("notifications", rows.write)) == 1
    db.session.commit()

    table = Notification.__table__.c
    stored = db.session.execute(
        select(
            table.subject,
            table.rule_name,
            table.template,
            table.data.is_(None),  # SQL NULL, not the JSON null
            table.automatic,
            table.attempts,
            table.kind,
        ).order_by(table.subject)
    )
    assert [tuple(row) for row in stored] == [
        ("Agent", "Route", None, True, True, 0, "assigned"),
        ("Customer", None, "request_received", False, False, 0, "request_received"),
    ]


def test_a_column_computed_per_row_keeps_its_rows_in_their_own_insert(now):
    ticket = make_ticket()
    db.session.commit()
    rows = RowBatch()
    rows.add(Activity, {"kind": "note", "summary": "with", "ticket_id": ticket.id, "created_at": now})
    rows.add(Activity, {"kind": "note", "summary": "without", "ticket_id": ticket.id})
    assert len(_inserts_into("activities", rows.write)) == 2
    db.session.commit()

    stored = db.session.scalars(select(Activity).order_by(Activity.summary)).all()
    assert [a.summary for a in stored] == ["with", "without"]
    assert stored[0].created_at == now
    assert stored[1].created_at is not None and stored[1].created_at != now


def test_a_few_rows_and_many_rows_go_in_one_statement_each_stored_alike(now):
    """A request's few rows go in one multi-row VALUES statement, a sweep's many in one
    executemany: each row lands the same, in the order given."""
    ticket = make_ticket()
    db.session.commit()
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for size in (1, 3, FEW_ROWS + 2):
            insert_many(
                Notification.__table__,
                [
                    {
                        "ticket_id": ticket.id,
                        "recipient_kind": "admins",
                        "subject": f"{size}-{n:02d}",
                        "body": "b",
                        "created_at": now,
                    }
                    for n in range(size)
                ],
            )
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    db.session.commit()

    assert len([s for s in sent if s.startswith("INSERT INTO notifications")]) == 3
    stored = db.session.execute(
        select(Notification.subject, Notification.kind, Notification.created_at).order_by(Notification.id)
    ).all()
    expected = [f"{size}-{n:02d}" for size in (1, 3, FEW_ROWS + 2) for n in range(size)]
    assert [row.subject for row in stored] == expected
    assert {(row.kind, row.created_at) for row in stored} == {("notice", now)}
