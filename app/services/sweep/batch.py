"""One batch of the SLA sweep: what it read beforehand and what it collects for its writes.

The sweep makes one SweepBatch per batch of due tickets and hands its parts to the functions it
calls, so their signatures say what the batch path does: `clocks` (sla.clock_pass) holds each
ticket's preloaded running clocks and policy, and its refresh until the ticket is done; `rows`
collects the history, tier-change, tag, notice and SLA-event rows for one INSERT per table (None
on the careful path, where they are session objects); `snapshots` keeps the rules' view of the
tickets current without a flush.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, select

from app.extensions import db
from app.models import SlaClock, SlaPolicy, Ticket
from app.services.common.row_batch import RowBatch
from app.services.routing.ticket_change import TicketChange
from app.services.sla.clock_pass import COLUMNS as CLOCK_COLUMNS
from app.services.sla.clock_pass import Clock, ClockPass, ClockRow
from app.services.sweep.batch_writes import write_batch
from app.services.sweep.rule_snapshots import BatchSnapshots

PolicyLookup = Callable[[int | None], SlaPolicy | None]


@dataclass(slots=True, eq=False)
class SweepBatch:
    """The tickets of one batch, their clocks and the rows collected for them."""

    tickets: list[Ticket]
    clocks: ClockPass
    rows: RowBatch | None = None
    # The version each ticket was read at: the batch's UPDATE is guarded by it.
    versions: dict[int, int] = field(default_factory=dict)
    snapshots: BatchSnapshots | None = None

    @classmethod
    def together(cls, tickets: list[Ticket], policy: PolicyLookup) -> SweepBatch:
        """The fast path: clocks as plain rows, everything written by the batch in a few statements."""
        clocks = ClockPass(new_rows=[])
        table = SlaClock.__table__
        # Table columns, not the model: plain rows, without the ORM's loading.
        query = (
            select(*(table.c[column] for column in CLOCK_COLUMNS))
            .where(table.c.ticket_id.in_([t.id for t in tickets]), table.c.satisfied_at.is_(None))
            .order_by(table.c.due_at, table.c.id)
        )
        _preload(clocks, tickets, [ClockRow.loaded(row) for row in db.session.execute(query)], policy)
        return cls(tickets, clocks, RowBatch(), {ticket.id: ticket.version for ticket in tickets})

    @classmethod
    def one_by_one(cls, tickets: list[Ticket], policy: PolicyLookup) -> SweepBatch:
        """The careful path: clocks as model objects, each ticket written by the session."""
        clocks = ClockPass()
        _preload(clocks, tickets, list(db.session.scalars(_running(tickets))), policy)
        return cls(tickets, clocks)

    def change(self, ticket: Ticket, now: datetime) -> TicketChange:
        """What the sweep does to one ticket, inside this batch (its refresh held until done)."""
        return TicketChange(ticket, now, clocks=self.clocks, rows=self.rows)

    def write(self) -> None:
        """Write the batch's tickets, clocks and collected rows (the fast path only)."""
        if self.rows is None or self.clocks.new_rows is None:
            raise TypeError("Only a batch read by SweepBatch.together writes itself.")
        loaded = [
            clock
            for clocks in self.clocks.running.values()
            for clock in clocks
            if isinstance(clock, ClockRow) and clock.id is not None
        ]
        write_batch(self.tickets, self.versions, loaded, self.clocks.new_rows)
        db.session.flush()
        # The breach and warning rows go in with the rest; their unique key still guards them.
        self.rows.write()


def _running(tickets: list[Ticket]) -> Select[SlaClock]:
    return (
        select(SlaClock)
        .where(SlaClock.ticket_id.in_([ticket.id for ticket in tickets]), SlaClock.satisfied_at.is_(None))
        .order_by(SlaClock.due_at, SlaClock.id)
    )


def _preload(clocks: ClockPass, tickets: list[Ticket], running: list[Clock], policy: PolicyLookup) -> None:
    by_ticket: dict[int, list[Clock]] = {ticket.id: [] for ticket in tickets}
    for clock in running:
        by_ticket[clock.ticket_id].append(clock)
    for ticket in tickets:
        clocks.preload(ticket.id, by_ticket[ticket.id], policy(ticket.sla_policy_id))
