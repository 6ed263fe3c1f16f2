"""Writing a sweep batch's ticket and clock changes with one statement each.

The ORM would send one version-checked UPDATE per ticket and per clock; here each table gets a
single executemany, still guarded by the version the sweep read, and the rows are then detached so
the ORM does not write them again. Any mismatch sends the batch back to the one-by-one path.
"""

from __future__ import annotations

from sqlalchemy import bindparam, update

from app.extensions import db
from app.models import SlaClock, Ticket

TICKET_COLUMNS = ("tier", "tier_entered_at", "updated_at", "escalation_count", "team_id",
                  "assignee_id", "priority", "status", "solved_at", "sla_next_check_at",
                  "sla_badge", "sla_policy_id", "sla_policy_reason", "risk_score", "risk_pressure",
                  "risk_priority", "risk_refresh_at",
                  # a rule may take a ticket back from the vendor, which clears these
                  "vendor_id", "vendor_reference", "vendor_due_at", "vendor_pauses_clock")
CLOCK_COLUMNS = ("minutes", "warn_at", "due_at", "satisfied_at", "warned_at", "breached_at")


class BatchCollision(Exception):
    """Another writer changed a ticket of the batch after the sweep read it."""


def write_batch(tickets: list[Ticket], versions: dict[int, int]) -> None:
    """Write the tickets and their changed clocks; raise BatchCollision on a version mismatch."""
    with db.session.no_autoflush:  # the ORM must not write these rows itself first
        _write(tickets, versions)


def _write(tickets: list[Ticket], versions: dict[int, int]) -> None:
    tickets_table = Ticket.__table__
    rows = [{"b_id": t.id, "b_version": versions[t.id], **{c: getattr(t, c) for c in TICKET_COLUMNS}}
            for t in tickets]
    if any(t.version != versions[t.id] for t in tickets):
        raise BatchCollision  # something flushed a ticket meanwhile: let the careful path decide
    statement = (
        update(tickets_table)
        .where(tickets_table.c.id == bindparam("b_id"),
               tickets_table.c.version == bindparam("b_version"))
        .values({**{c: bindparam(c) for c in TICKET_COLUMNS},
                 "version": tickets_table.c.version + 1})
    )
    if rows and db.session.execute(statement, rows).rowcount != len(rows):
        raise BatchCollision
    clocks = [o for o in db.session.dirty if isinstance(o, SlaClock)]
    clocks_table = SlaClock.__table__
    if clocks:
        db.session.execute(
            update(clocks_table).where(clocks_table.c.id == bindparam("b_id"))
            .values({c: bindparam(c) for c in CLOCK_COLUMNS}),
            [{"b_id": c.id, **{col: getattr(c, col) for col in CLOCK_COLUMNS}} for c in clocks],
        )
    for obj in [*tickets, *clocks]:
        db.session.expunge(obj)
