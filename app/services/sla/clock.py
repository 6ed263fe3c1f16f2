"""Keeping each ticket's SLA clocks right as things happen to it, inside the caller's transaction.

Every change ends with `refresh`, which stores the ticket's next check time (the one indexed
column the sweep reads), its badge for the queues and the time-dependent part of its risk rank.
A caller making several changes passes a ClockPass (sla.clock_pass) that holds the refresh until
it lets go (`release`), and may carry clocks and policies it read beforehand.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.domain.sla import PolicyChoice, badge, choose_policy, clock_times, shift_after_pause
from app.domain.sla import worst as worst_badge
from app.domain.sla_vocabulary import SlaTarget
from app.domain.tiers import MAX_TIER
from app.domain.vendors import VENDOR_PAUSE, clock_pause_reason
from app.domain.vocabulary import Status
from app.extensions import db
from app.models import SlaClock, SlaPause, SlaPolicy, Ticket
from app.services.relationship import risk_rank
from app.services.sla.clock_pass import Clock, ClockPass, ClockRow
from app.services.sla.policies import calendar_for, targets_of
from app.services.sla.policy_cache import policy_cells

PAUSED_STATUSES = (Status.pending, Status.on_hold)
DONE_STATUSES = (Status.solved, Status.closed)


def pause_reason(ticket: Ticket) -> str | None:
    """Why the clocks stand still now (None while they run); see domain.vendors."""
    return clock_pause_reason(
        ticket.status.value, ticket.tier, ticket.vendor_id is not None, ticket.vendor_pauses_clock
    )


def is_paused(ticket: Ticket) -> bool:
    return pause_reason(ticket) is not None


def _policy(ticket: Ticket, clocks: ClockPass | None) -> SlaPolicy | None:
    policy_id = ticket.sla_policy_id
    if policy_id is None:
        return None
    known = clocks.policies.get(ticket.id) if clocks is not None else None
    if known is not None and known.id == policy_id:
        return known
    return db.session.get(SlaPolicy, policy_id)


def active_clocks(ticket: Ticket, clocks: ClockPass | None = None) -> list[Clock]:
    """The ticket's running clocks, soonest due first: the preloaded ones in a pass, else read
    with the ones started in this transaction and not flushed yet (reading them costs no flush,
    so a change stays one versioned write)."""
    if clocks is not None and ticket.id in clocks.running:
        return [clock for clock in clocks.running[ticket.id] if clock.satisfied_at is None]
    with db.session.no_autoflush:
        stored = list(
            db.session.scalars(
                select(SlaClock).where(SlaClock.ticket_id == ticket.id, SlaClock.satisfied_at.is_(None))
            )
        )
    started = [c for c in db.session.new if isinstance(c, SlaClock) and c.ticket_id == ticket.id]
    running = [clock for clock in stored + started if clock.satisfied_at is None]
    return sorted(running, key=lambda c: (c.due_at, c.id is None, c.id or 0))


def _start(
    ticket: Ticket, policy: SlaPolicy, target: SlaTarget, now: datetime, clocks: ClockPass | None
) -> Clock:
    targets = targets_of(policy)
    minutes = targets.minutes(target, ticket.tier)
    times = clock_times(calendar_for(policy), now, minutes, targets.warn_percent)
    values: dict[str, Any] = {
        "ticket_id": ticket.id,
        "target": target,
        "tier": ticket.tier,
        "minutes": minutes,
        "started_at": now,
        "warn_at": times.warn_at,
        "due_at": times.due_at,
    }
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


def _choose(ticket: Ticket) -> PolicyChoice | None:
    cells = policy_cells()  # this process's copy, current with every policy edit
    account_tier = ticket.organization.account_tier.value if ticket.organization else None
    return choose_policy(cells, account_tier, ticket.priority.value)


def start_ticket(ticket: Ticket, now: datetime, clocks: ClockPass | None = None) -> None:
    """Choose the policy for a new ticket and start its first-response, resolution and tier clocks."""
    choice = _choose(ticket)
    if choice is None:
        refresh(ticket, now, clocks)
        return
    ticket.sla_policy_id, ticket.sla_policy_reason = choice.policy_id, choice.reason
    policy = db.session.get_one(SlaPolicy, choice.policy_id)
    for target in (SlaTarget.first_response, SlaTarget.resolution, SlaTarget.tier_dwell):
        _start(ticket, policy, target, now, clocks)
    refresh(ticket, now, clocks)


def _satisfy(ticket: Ticket, targets: tuple[SlaTarget, ...], now: datetime, clocks: ClockPass | None) -> None:
    for clock in active_clocks(ticket, clocks):
        if clock.target in targets:
            clock.satisfied_at = now


def on_agent_reply(ticket: Ticket, now: datetime, clocks: ClockPass | None = None) -> None:
    """A public answer meets first and next response and is progress at this tier."""
    policy = _policy(ticket, clocks)
    if policy is None:
        return
    answered = (SlaTarget.first_response, SlaTarget.next_response, SlaTarget.tier_dwell)
    _satisfy(ticket, answered, now, clocks)
    if ticket.status not in DONE_STATUSES:
        _start(ticket, policy, SlaTarget.tier_dwell, now, clocks)
    refresh(ticket, now, clocks)


def on_customer_reply(ticket: Ticket, now: datetime, clocks: ClockPass | None = None) -> None:
    """The customer wrote: the next response is due, unless the first one still is."""
    policy = _policy(ticket, clocks)
    if policy is None:
        return
    waiting = {c.target for c in active_clocks(ticket, clocks)}
    if not waiting & {SlaTarget.first_response, SlaTarget.next_response}:
        _start(ticket, policy, SlaTarget.next_response, now, clocks)
    refresh(ticket, now, clocks)


def on_priority_change(ticket: Ticket, now: datetime, clocks: ClockPass | None = None) -> None:
    """A new priority may mean another policy: re-time the running clocks from their starts,
    keeping the time they spent paused."""
    choice = _choose(ticket) if ticket.sla_policy_id is not None else None
    if choice is None or choice.policy_id == ticket.sla_policy_id:
        # The priority is part of the risk rank all the same.
        refresh(ticket, now, clocks)
        return
    ticket.sla_policy_id, ticket.sla_policy_reason = choice.policy_id, choice.reason
    policy = db.session.get_one(SlaPolicy, choice.policy_id)
    calendar, targets = calendar_for(policy), targets_of(policy)
    pauses = list(
        db.session.scalars(
            select(SlaPause).where(SlaPause.ticket_id == ticket.id).order_by(SlaPause.started_at)
        )
    )
    for clock in active_clocks(ticket, clocks):
        if clock.breached_at is not None:
            continue
        clock.minutes = targets.minutes(clock.target, clock.tier)
        times = clock_times(calendar, clock.started_at, clock.minutes, targets.warn_percent)
        warn_at, due_at = times.warn_at, times.due_at
        for pause in pauses:
            if pause.started_at >= clock.started_at:
                resumed = pause.ended_at or now
                warn_at = shift_after_pause(calendar, warn_at, pause.started_at, resumed)
                due_at = shift_after_pause(calendar, due_at, pause.started_at, resumed)
        clock.due_at = due_at
        if clock.warned_at is None:
            clock.warn_at = warn_at
    refresh(ticket, now, clocks)


def on_tier_change(
    ticket: Ticket, now: datetime, from_tier: int | None = None, clocks: ClockPass | None = None
) -> None:
    """Entering a tier starts a new tier clock; coming back from the vendor resumes the clock."""
    policy = _policy(ticket, clocks)
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
    policy = _policy(ticket, clocks)
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
    policy = _policy(ticket, clocks)
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
    calendar = calendar_for(policy)
    for clock in active_clocks(ticket, clocks):
        if clock.warned_at is None:
            clock.warn_at = shift_after_pause(calendar, clock.warn_at, pause.started_at, now)
        if clock.breached_at is None:
            clock.due_at = shift_after_pause(calendar, clock.due_at, pause.started_at, now)


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
    shown = worst_badge([badge(now, c.warn_at, c.due_at, c.breached_at is not None) for c in running])
    paused = is_paused(ticket)
    risk_rank.rank_ticket(ticket, running, now, paused=paused)
    next_check = None
    if not paused:
        checks = [c.warn_at for c in running if c.warned_at is None and c.breached_at is None]
        checks += [c.due_at for c in running if c.breached_at is None]
        next_check = min(checks) if checks else None
    # Only real changes are set: the sweep's batch writes just the columns that changed.
    if ticket.sla_badge != shown:
        ticket.sla_badge = shown
    if ticket.sla_next_check_at != next_check:
        ticket.sla_next_check_at = next_check
