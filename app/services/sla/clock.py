"""Keeping each ticket's SLA clocks right as things happen to it, inside the caller's transaction.

How a clock counts (one model, followed by every hook here): a clock is charged only the business
time of its policy's calendar during which it was running and the ticket was not paused. The
ticket is paused while it is pending or on hold, and while a vendor holds it at tier 4 with a
hand-off that says so; each such stretch is one SlaPause row (waiting on the vendor and waiting in
a status are separate stretches, one ending as the other begins). A clock's due time (and warn time)
is therefore a function of its start, its target and the ended pauses clipped to its own life
(domain.sla.paused_times): a pause that began before the clock counts only from the clock's start,
overlapping pauses count once, and the order in which pauses, clock starts, priority changes,
tier moves and vendor hand-offs happen does not matter. A pause still open is counted when it
ends: until then the stored due time leaves it out and the sweep does not look at a paused ticket.
Due times are recomputed from that function whenever its inputs change (a pause ends, a new
priority chooses another policy) rather than shifted step by step, so no pause is lost or counted
twice. A breached clock keeps the due time it was breached at; a warned one keeps its warn time.

A ticket gets the policy its cell of the account tier x priority matrix names (domain.sla
.choose_policy); with no such cell and no default it has none, and its panel says why. A priority
change or a policy edit chooses again for a ticket that had none.

Every change ends with `refresh`, which stores the ticket's next check time (the one indexed
column the sweep reads), its badge for the queues and the time-dependent part of its risk rank.
A caller making several changes passes a ClockPass (sla.clock_pass) that holds the refresh until
it lets go (`release`), and may carry clocks and policies it read beforehand.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.domain.sla import PolicyCell, PolicyChoice, paused_times
from app.domain.sla_vocabulary import SlaTarget
from app.domain.tiers import MAX_TIER
from app.domain.vendors import VENDOR_PAUSE
from app.domain.vocabulary import Status
from app.extensions import db
from app.models import SlaClock, SlaPause, SlaPolicy, Ticket
from app.services.relationship import risk_rank
from app.services.sla.clock_parts import (
    choose_for,
    clock_values,
    clock_values_each,
    ended_pauses,
    is_paused,
    owed_targets,
    pause_reason,
    read_policy,
    standing,
    ticket_policy,
)
from app.services.sla.clock_pass import Clock, ClockPass, ClockRow
from app.services.sla.policies import calendar_for, targets_of

PAUSED_STATUSES = (Status.pending, Status.on_hold)
DONE_STATUSES = (Status.solved, Status.closed)


def active_clocks(ticket: Ticket, clocks: ClockPass | None = None) -> list[Clock]:
    """The ticket's running clocks, soonest due first: the preloaded ones in a pass, else read
    with the ones started in this transaction and not flushed yet (reading them costs no flush,
    so a change stays one versioned write). A pass keeps what was read for its later steps (a
    reply's hook and the change's closing refresh read once): the clocks they start join it."""
    if clocks is not None and ticket.id in clocks.running:
        return [clock for clock in clocks.running[ticket.id] if clock.satisfied_at is None]
    with db.session.no_autoflush:
        stored = list(
            db.session.scalars(
                select(SlaClock).where(SlaClock.ticket_id == ticket.id, SlaClock.satisfied_at.is_(None))
            )
        )
    started = [c for c in db.session.new if isinstance(c, SlaClock) and c.ticket_id == ticket.id]
    running: list[Clock] = [clock for clock in stored + started if clock.satisfied_at is None]
    running.sort(key=lambda c: (c.due_at, c.id is None, c.id or 0))
    if clocks is not None:
        clocks.running[ticket.id] = list(running)
    return running


def _start(
    ticket: Ticket, policy: SlaPolicy, target: SlaTarget, now: datetime, clocks: ClockPass | None
) -> Clock | None:
    return _start_timed(ticket, clock_values(policy, target, ticket.tier, now), clocks)


def _start_timed(ticket: Ticket, values: dict[str, Any] | None, clocks: ClockPass | None) -> Clock | None:
    """Start a clock with its columns worked out (None: the policy does not measure it)."""
    if values is None:
        return None
    values["ticket_id"] = ticket.id
    # In a sweep batch the new clock is a row of the batch's INSERT, still changeable until then.
    clock: Clock
    if clocks is not None and clocks.new_rows is not None:
        clock = ClockRow(id=None, **values)
        clocks.new_rows.append(clock)
    else:
        clock = SlaClock(**values)
        db.session.add(clock)
    if clocks is not None and ticket.id in clocks.running:
        clocks.running[ticket.id].append(clock)
    return clock


def start_ticket(ticket: Ticket, now: datetime, clocks: ClockPass | None = None) -> None:
    """Choose the policy for a new ticket and start its first-response, resolution and tier clocks."""
    choice = choose_for(ticket)
    if choice is not None:
        _adopt(ticket, choice, now, clocks)
    refresh(ticket, now, clocks)


def adopt_policy(ticket: Ticket, now: datetime, cells: list[PolicyCell] | None = None) -> bool:
    """Give a ticket without a policy the one its cell names now, if any (after a policy edit)."""
    if ticket.sla_policy_id is not None:
        return False
    choice = choose_for(ticket, cells)
    if choice is None:
        return False
    _adopt(ticket, choice, now, None)
    refresh(ticket, now)
    return True


def _adopt(ticket: Ticket, choice: PolicyChoice, now: datetime, clocks: ClockPass | None) -> None:
    """Start the clocks of a ticket that had no policy: the ones its state still owes."""
    ticket.sla_policy_id, ticket.sla_policy_reason = choice.policy_id, choice.reason
    policy = read_policy(choice.policy_id)
    if clocks is not None:
        clocks.policies[ticket.id] = policy
    if ticket.status in DONE_STATUSES:
        return
    owed = owed_targets(ticket.first_responded_at is not None)
    for values in clock_values_each(policy, owed, ticket.tier, now):  # timed together
        _start_timed(ticket, values, clocks)
    if is_paused(ticket):  # a ticket already waiting on someone starts paused
        _sync_pause(ticket, policy, now, clocks)


def _satisfy(ticket: Ticket, targets: tuple[SlaTarget, ...], now: datetime, clocks: ClockPass | None) -> None:
    for clock in active_clocks(ticket, clocks):
        if clock.target in targets:
            clock.satisfied_at = now


def on_agent_reply(ticket: Ticket, now: datetime, clocks: ClockPass | None = None) -> None:
    """A public answer meets first and next response and is progress at this tier."""
    policy = ticket_policy(ticket, clocks)
    if policy is None:
        return
    answered = (SlaTarget.first_response, SlaTarget.next_response, SlaTarget.tier_dwell)
    _satisfy(ticket, answered, now, clocks)
    if ticket.status not in DONE_STATUSES:
        _start(ticket, policy, SlaTarget.tier_dwell, now, clocks)
    refresh(ticket, now, clocks)


def on_customer_reply(ticket: Ticket, now: datetime, clocks: ClockPass | None = None) -> None:
    """The customer wrote: the next response is due, unless the first one still is."""
    policy = ticket_policy(ticket, clocks)
    if policy is None:
        return
    waiting = {c.target for c in active_clocks(ticket, clocks)}
    if not waiting & {SlaTarget.first_response, SlaTarget.next_response}:
        _start(ticket, policy, SlaTarget.next_response, now, clocks)
    refresh(ticket, now, clocks)


def on_priority_change(ticket: Ticket, now: datetime, clocks: ClockPass | None = None) -> None:
    """A new priority may mean another policy (or the first one): the running clocks take its
    targets and are re-timed from their starts, counting every ended pause once."""
    choice = choose_for(ticket)
    if choice is None or choice.policy_id == ticket.sla_policy_id:
        # The priority is part of the risk rank all the same.
        refresh(ticket, now, clocks)
        return
    if ticket.sla_policy_id is None:
        _adopt(ticket, choice, now, clocks)
        refresh(ticket, now, clocks)
        return
    ticket.sla_policy_id, ticket.sla_policy_reason = choice.policy_id, choice.reason
    policy = read_policy(choice.policy_id)
    if clocks is not None:
        clocks.policies[ticket.id] = policy
    targets = targets_of(policy)
    for clock in active_clocks(ticket, clocks):
        if clock.breached_at is None:
            minutes = targets.minutes(clock.target, clock.tier)
            if minutes is None:
                # The new policy does not measure this target: the clock stops here, unmissed.
                clock.satisfied_at = now
            else:
                clock.minutes = minutes
    _retime(ticket, policy, None, clocks)
    refresh(ticket, now, clocks)


def on_tier_change(
    ticket: Ticket, now: datetime, from_tier: int | None = None, clocks: ClockPass | None = None
) -> None:
    """Entering a tier starts a new tier clock; coming back from the vendor resumes the clock."""
    policy = ticket_policy(ticket, clocks)
    if policy is None:
        return
    if from_tier == MAX_TIER:
        # Before the new tier clock starts, so the vendor pause does not move it.
        _sync_pause(ticket, policy, now, clocks)
    _satisfy(ticket, (SlaTarget.tier_dwell,), now, clocks)
    if ticket.status not in DONE_STATUSES:
        _start(ticket, policy, SlaTarget.tier_dwell, now, clocks)
    refresh(ticket, now, clocks)


def on_status_change(
    ticket: Ticket, old: Status, new: Status, now: datetime, clocks: ClockPass | None = None
) -> None:
    """Pause while waiting on someone else, stop when solved, start again when reopened."""
    if old == new:
        return
    policy = ticket_policy(ticket, clocks)
    if policy is None:
        refresh(ticket, now, clocks)
        return
    _sync_pause(ticket, policy, now, clocks)
    if new in DONE_STATUSES:
        _satisfy(ticket, tuple(SlaTarget), now, clocks)
    elif old in DONE_STATUSES:
        for target in (SlaTarget.resolution, SlaTarget.tier_dwell):
            _start(ticket, policy, target, now, clocks)
    refresh(ticket, now, clocks)


def on_vendor_change(ticket: Ticket, now: datetime, clocks: ClockPass | None = None) -> None:
    """The vendor's hand-off terms changed: pause or resume as they now say."""
    policy = ticket_policy(ticket, clocks)
    if policy is None:
        return
    _sync_pause(ticket, policy, now, clocks)
    refresh(ticket, now, clocks)


def _sync_pause(ticket: Ticket, policy: SlaPolicy, now: datetime, clocks: ClockPass | None) -> None:
    """Keep one open pause while the clocks should stand still. Waiting on the vendor and
    waiting on the status are recorded as separate stretches, each with its reason."""
    wanted = pause_reason(ticket)
    pause = db.session.scalars(
        select(SlaPause)
        .where(SlaPause.ticket_id == ticket.id, SlaPause.ended_at.is_(None))
        .order_by(SlaPause.id.desc())
    ).first()
    if pause is not None and (wanted is None or (pause.reason == VENDOR_PAUSE) != (wanted == VENDOR_PAUSE)):
        _resume(ticket, policy, pause, now, clocks)
        pause = None
    if wanted is not None and pause is None:
        db.session.add(SlaPause(ticket_id=ticket.id, started_at=now, reason=wanted))


def _resume(
    ticket: Ticket, policy: SlaPolicy, pause: SlaPause, now: datetime, clocks: ClockPass | None
) -> None:
    pause.ended_at = now
    _retime(ticket, policy, pause, clocks)


def _retime(ticket: Ticket, policy: SlaPolicy, ending: SlaPause | None, clocks: ClockPass | None) -> None:
    """Due (and, before a warning, warn) times of the running clocks from their starts, targets
    and the ticket's ended pauses; a breached clock keeps the due time it missed."""
    calendar, warn_percent = calendar_for(policy), policy.warn_percent
    pauses = ended_pauses(ticket, ending)
    for clock in active_clocks(ticket, clocks):
        if clock.breached_at is not None:
            continue
        times = paused_times(calendar, clock.started_at, clock.minutes, warn_percent, pauses)
        if clock.due_at != times.due_at:
            clock.due_at = times.due_at
        if clock.warned_at is None and clock.warn_at != times.warn_at:
            clock.warn_at = times.warn_at


def release(ticket: Ticket, now: datetime, clocks: ClockPass) -> None:
    """The caller's changes to a held ticket are done: refresh it once."""
    clocks.held.discard(ticket.id)
    refresh(ticket, now, clocks)


def refresh(ticket: Ticket, now: datetime, clocks: ClockPass | None = None) -> None:
    """Store when the sweep must next look at the ticket (never while paused), its badge and the
    time-dependent part of its risk rank; a ticket the pass holds waits for `release`."""
    if clocks is not None and ticket.id in clocks.held:
        return
    running = active_clocks(ticket, clocks)
    paused = is_paused(ticket)
    risk_rank.rank_ticket(ticket, running, now, paused=paused)
    shown, next_check = standing(running, now, paused=paused)
    # Only real changes are set: the sweep's batch writes just the columns that changed.
    if ticket.sla_badge != shown:
        ticket.sla_badge = shown
    if ticket.sla_next_check_at != next_check:
        ticket.sla_next_check_at = next_check
