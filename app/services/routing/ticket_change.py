"""One change to one ticket, carried through its use case's transaction.

A change has several steps (open the ticket, start its clocks, fire its rules, answer it from the
knowledge base, move it a tier), and several of them want the same follow-ups: the ticket should
enter a team's queue, its SLA summary and risk rank should be brought up to date, its customer's
health ranked again. The steps ask the TicketChange for those; `finish_change` does each once, at
the end, when every step has said its word (the queue entry after the rules chose the team).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.domain.relationship import HealthInputs
from app.extensions import db
from app.models import SlaClock, Team, Ticket, User
from app.services.common.many_rows import insert_many
from app.services.common.row_batch import RowBatch
from app.services.relationship import risk_rank
from app.services.routing.assignment import enter_team_queue
from app.services.routing.opening_queue import enter_opening_queue
from app.services.sla import clock as sla_clock
from app.services.sla.clock_pass import ClockPass


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """Which team's queue the ticket should enter (None: the tier's only team), for whom."""

    team: Team | None = None
    actor: User | None = None
    hand_over: bool = False


@dataclass(slots=True, eq=False)
class TicketChange:
    """The ticket being changed, where its rows go, and what its steps asked for.

    `clocks` holds the ticket's SLA refresh until `finish_change` (a sweep shares one pass, with
    its preloaded clocks, among its batch's tickets); `rows`, when given, collects the history
    rows for the caller's INSERT instead of adding model objects to the session."""

    ticket: Ticket
    now: datetime
    clocks: ClockPass = field(default_factory=ClockPass)
    rows: RowBatch | None = None
    queue: QueueEntry | None = None
    rank_health: bool = False
    rank_organization: bool = False
    # The customer's health inputs read as the ticket opened (with it counted), when known: the
    # end then ranks the customer's health from them instead of reading them again.
    opening_health: HealthInputs | None = None
    # The same before the ticket opened (it not counted): what the customer's other tickets were
    # ranked from, so that an opening that leaves the health part as it was writes none of them.
    health_before: HealthInputs | None = None
    # The ticket is being opened: the queue's default team is locked as it is read, and the end
    # ranks the new ticket's health part in place (see risk_rank.rank_customer_health).
    opening: bool = False

    def __post_init__(self) -> None:
        self.clocks.held.add(self.ticket.id)

    def enter_queue(
        self, team: Team | None = None, *, actor: User | None = None, hand_over: bool = False
    ) -> None:
        """Ask for the queue entry; a later step's request (a rule's team) replaces an earlier one."""
        self.queue = QueueEntry(team, actor, hand_over)


def settle_queue(change: TicketChange) -> User | None:
    """Enter the queue asked for now, once (a notice about to go out must know who holds the
    ticket); returns the agent it went to, if any."""
    entry, change.queue = change.queue, None
    if entry is None:
        return None
    if change.opening and entry == QueueEntry():  # the tier's team, nobody named: most requests
        return enter_opening_queue(change.ticket, change.now, rows=change.rows)
    return enter_team_queue(
        change.ticket,
        change.now,
        team=entry.team,
        actor=entry.actor,
        hand_over=entry.hand_over,
        rows=change.rows,
        opening=change.opening,
    )


def finish_change(change: TicketChange) -> None:
    """Do once what the change's steps asked for: the queue entry, the SLA summary and the
    ticket's risk rank, then the customer's health in all their tickets' ranks."""
    ticket, now = change.ticket, change.now
    settle_queue(change)
    sla_clock.release(ticket, now, change.clocks)
    if change.rank_organization:
        risk_rank.rank_new_ticket(ticket)
    if change.rank_health and change.opening_health is not None:
        risk_rank.rank_customer_health(
            ticket.customer_id,
            risk_rank.health_after_opening(ticket, change.opening_health),
            opened=ticket if change.opening else None,
            others_from=change.health_before,
        )
    elif change.rank_health:
        db.session.flush()  # the health is counted from the written tickets
        risk_rank.rank_customers([ticket.customer_id], now)


def write_collected(change: TicketChange) -> None:
    """Insert what the change collected instead of adding model objects (history and notice rows,
    started clocks): one plain INSERT per table, inside the caller's transaction."""
    if change.rows is not None:
        change.rows.write()
    started = change.clocks.new_rows
    if started:
        insert_many(SlaClock.__table__, [clock.values() for clock in started])
        started.clear()
