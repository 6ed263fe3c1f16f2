"""Writing a sweep batch's ticket and clock changes with one statement each.

The ORM would send one version-checked UPDATE per ticket and per clock; here each table gets a
single executemany, still guarded by the version the sweep read, and the rows are then taken out
of the session so the ORM does not write them again. Any mismatch sends the batch back to the
one-by-one path.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Update, bindparam, insert, update
from sqlalchemy.orm import make_transient
from sqlalchemy.orm.attributes import instance_state

from app.extensions import db
from app.models import SlaClock, Ticket
from app.services.common.many_rows import execute_many
from app.services.sla.clock_pass import CHANGING, ClockRow

TICKET_COLUMNS = (
    "tier",
    "tier_entered_at",
    "updated_at",
    "escalation_count",
    "team_id",
    "assignee_id",
    "priority",
    "status",
    "solved_at",
    "sla_next_check_at",
    "sla_badge",
    "sla_policy_id",
    "sla_policy_reason",
    "risk_score",
    "risk_pressure",
    "risk_priority",
    "risk_refresh_at",
    # a rule may take a ticket back from the vendor, which clears these
    "vendor_id",
    "vendor_reference",
    "vendor_due_at",
    "vendor_pauses_clock",
)


_UNREAD = object()


class BatchCollision(Exception):
    """Another writer changed a ticket of the batch after the sweep read it."""


def write_batch(
    tickets: list[Ticket], versions: dict[int, int], loaded: list[ClockRow], started: list[ClockRow]
) -> None:
    """Write the tickets, the loaded clocks that changed and the clocks the batch started; raise
    BatchCollision on a version mismatch."""
    with db.session.no_autoflush:  # the ORM must not write these rows itself first
        _write(tickets, versions)
    _write_clocks([(clock, changed) for clock in loaded if (changed := clock.changed())])
    execute_many(insert(SlaClock.__table__), [clock.values() for clock in started])


def _changes(ticket: Ticket) -> tuple[str, ...]:
    """The columns whose value the sweep changed on this ticket. A column set to the value it
    had is left out: every index on a column named in an UPDATE is rewritten, a foreign key
    named in it is checked again (on SQLite that costs several times the row's own write), and
    each value costs its conversion."""
    state = instance_state(ticket)
    before, now = state.committed_state, state.dict
    # A changed column whose value is not in the object's dict (expired) counts as changed.
    return tuple(
        column for column in TICKET_COLUMNS if column in before and before[column] != now.get(column, _UNREAD)
    )


def _write(tickets: list[Ticket], versions: dict[int, int]) -> None:
    if any(t.version != versions[t.id] for t in tickets):
        raise BatchCollision  # something flushed a ticket meanwhile: let the careful path decide
    # One statement per set of changed columns (a batch has a few: raised, warned, left alone).
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for ticket in tickets:
        columns = _changes(ticket)
        values = ticket.__dict__  # what the attributes hold, read without their descriptors
        row = {"b_id": ticket.id, "b_version": versions[ticket.id]}
        row.update({c: values[c] if c in values else getattr(ticket, c) for c in columns})
        groups.setdefault(columns, []).append(row)
    # Every ticket is written, changed or not: the version bump is what an agent's save meets.
    matched = sum(execute_many(_update(columns), rows) for columns, rows in groups.items())
    if matched != len(tickets):
        raise BatchCollision
    for ticket in tickets:
        # Out of the session without walking relationships (expunge's cascade costs more than
        # the writes); nothing reads these objects after the batch.
        make_transient(ticket)


def _update(columns: tuple[str, ...]) -> Update:
    table = Ticket.__table__
    return (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values({**{c: bindparam(c) for c in columns}, "version": table.c.version + 1})
    )


def _write_clocks(clocks: list[tuple[ClockRow, frozenset[str]]]) -> None:
    touched = set().union(*(changed for _, changed in clocks))
    columns = [column for column in CHANGING if column in touched]
    if not columns:
        return
    table = SlaClock.__table__
    execute_many(
        update(table).where(table.c.id == bindparam("b_id")).values({c: bindparam(c) for c in columns}),
        [{"b_id": clock.id, **{c: getattr(clock, c) for c in columns}} for clock, _ in clocks],
    )
