"""Counts the database keeps itself, with triggers the migrations make by hand.

`customers.open_tickets` is the number of the customer's tickets in an active status (new, open,
pending, on hold). A ticket's opening reads it for the health figures and the rules: counting the
rows instead costs one index step per ticket the customer has, so a customer with thousands of
requests made every new one dearer. Triggers on `tickets` keep it on every insert, delete,
status change and move to another customer, whoever writes: the services, bulk statements, the
demo and the benches' seeding. The app only reads it, with a statement (a loaded `Customer` does
not see the triggers' writes).

A SQLite batch ALTER of `tickets` recreates the table and drops its triggers: such a migration
must run `sqlite_create` again afterwards (`tests/integration/test_open_ticket_counter.py` fails
at the head when they are missing). Rows restored as they were read (test snapshots) are
counted again by the triggers as their tickets go in, so `TRIGGER_KEPT` columns start at 0.
"""

from __future__ import annotations

from app.domain.vocabulary import ACTIVE_STATUSES

TRIGGER_KEPT = {"customers": ("open_tickets",)}
SQLITE_TRIGGERS = (
    "customers_open_tickets_insert",
    "customers_open_tickets_delete",
    "customers_open_tickets_update",
)
POSTGRES_FUNCTION = "keep_customers_open_tickets"
POSTGRES_TRIGGER = "customers_open_tickets"

_ACTIVE = "(" + ", ".join(f"'{status.value}'" for status in sorted(ACTIVE_STATUSES)) + ")"


def _counted(row: str) -> str:
    return f"({row}.status IN {_ACTIVE})"


def backfill() -> str:
    """Every customer's count, from their tickets (the column's start)."""
    return (
        "UPDATE customers SET open_tickets = (SELECT count(*) FROM tickets"
        f" WHERE tickets.customer_id = customers.id AND tickets.status IN {_ACTIVE})"
    )


def sqlite_create() -> list[str]:
    """Insert, delete and update triggers. The update one fires only when a ticket's status or
    customer is written and changes whether (or for whom) it counts."""
    insert, delete, update = SQLITE_TRIGGERS
    add = "UPDATE customers SET open_tickets = open_tickets + 1 WHERE id = new.customer_id; "
    remove = "UPDATE customers SET open_tickets = open_tickets - 1 WHERE id = old.customer_id; "
    moved = (
        f"{_counted('old')} != {_counted('new')}"
        f" OR (old.customer_id != new.customer_id AND {_counted('new')})"
    )
    return [
        f"CREATE TRIGGER {insert} AFTER INSERT ON tickets WHEN {_counted('new')} BEGIN {add}END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON tickets WHEN {_counted('old')} BEGIN {remove}END",
        f"CREATE TRIGGER {update} AFTER UPDATE OF status, customer_id ON tickets WHEN {moved} BEGIN"
        f" UPDATE customers SET open_tickets = open_tickets - {_counted('old')} WHERE id = old.customer_id;"
        f" UPDATE customers SET open_tickets = open_tickets + {_counted('new')} WHERE id = new.customer_id;"
        " END",
    ]


def sqlite_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def postgres_create() -> list[str]:
    """One row trigger and its function, which writes nothing when a change leaves the count
    as it was."""
    function = f"""
CREATE OR REPLACE FUNCTION {POSTGRES_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.customer_id = NEW.customer_id
            AND {_counted("OLD")} = {_counted("NEW")} THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF {_counted("OLD")} THEN
            UPDATE customers SET open_tickets = open_tickets - 1 WHERE id = OLD.customer_id;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        IF {_counted("NEW")} THEN
            UPDATE customers SET open_tickets = open_tickets + 1 WHERE id = NEW.customer_id;
        END IF;
    END IF;
    RETURN NULL;
END
$$"""
    trigger = (
        f"CREATE TRIGGER {POSTGRES_TRIGGER} AFTER INSERT OR DELETE OR UPDATE OF status, customer_id"
        f" ON tickets FOR EACH ROW EXECUTE FUNCTION {POSTGRES_FUNCTION}()"
    )
    return [function, trigger]


def postgres_drop() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {POSTGRES_TRIGGER} ON tickets",
        f"DROP FUNCTION IF EXISTS {POSTGRES_FUNCTION}()",
    ]
