"""Keeping each ticket's SLA clocks right as things happen to it, inside the caller's transaction.

Every change ends with `refresh`, which stores the ticket's next check time (the one indexed
column the sweep reads), its badge for the queues and the time-dependent part of its risk rank.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import select

from app.domain.sla import PolicyCell, PolicyChoice, badge, choose_policy, clock_times, shift_after_pause
from app.domain.sla import worst as worst_badge
from app.domain.sla_vocabulary import SlaTarget
from app.domain.tiers import MAX_TIER
from app.domain.vendors import VENDOR_PAUSE, clock_pause_reason
from app.domain.vocabulary import ACTIVE_STATUSES, Status
from app.extensions import db
from app.models import SlaClock, SlaPause, SlaPolicy, Ticket
from app.services.common.history import defer
from app.services.common.row_views import RowView
from app.services.relationship import risk_rank
from app.services.sla.policies import calendar_for, targets_of

PAUSED_STATUSES = (Status.pending, Status.on_hold)
DONE_STATUSES = (Status.solved, Status.closed)


def pause_reason(ticket: Ticket) -> str | None:
    """Why the clocks stand still now (None while they run); see domain.vendors."""
    return clock_pause_reason(
        ticket.status.value, ticket.tier, ticket.vendor_id is not None, ticket.vendor_pauses_clock
    )


def is_paused(ticket: Ticket) -> bool:
    return pause_reason(ticket) is not None


# The sweep preloads each ticket's running clocks here for one pass, so the hooks below need
# no queries; outside the sweep they read the database. It hands over the ticket's policy too,
# which saves a session lookup per ticket.
PRELOADED = "_sla_running_clocks"
PRELOADED_POLICY = "_sla_policy"
REFRESH_HELD = "_sla_refresh_held"


def _policy(ticket: Ticket) -> SlaPolicy | None:
    policy_id = ticket.sla_policy_id
    if policy_id is None:
        return None
    known = getattr(ticket, PRELOADED_POLICY, None)
    if known is not None and known.id == policy_id:
        return known
    return db.session.get(SlaPolicy, policy_id)


def active_clocks(ticket: Ticket) -> list[SlaClock]:
    preloaded = getattr(ticket, PRELOADED, None)
    if preloaded is not None:
        return [clock for clock in preloaded if clock.satisfied_at is None]
    return list(
        db.session.scalars(
            select(SlaClock)
            .where(SlaClock.ticket_id == ticket.id, SlaClock.satisfied_at.is_(None))
            .order_by(SlaClock.due_at, SlaClock.id)
        )
    )


def _start(ticket: Ticket, policy: SlaPolicy, target: SlaTarget, now: datetime) -> SlaClock | RowView:
    targets = targets_of(policy)
    minutes = targets.minutes(target, ticket.tier)
    times = clock_times(calendar_for(policy), now, minutes, targets.warn_percent)
    values = {
        "ticket_id": ticket.id,
        "target": target,
        "tier": ticket.tier,
        "minutes": minutes,
        "started_at": now,
        "warn_at": times.warn_at,
        "due_at": times.due_at,
        "satisfied_at": None,
        "warned_at": None,
        "breached_at": None,
    }
    # In a sweep batch the new clock is a row of the batch's INSERT, still changeable until then.
    clock: SlaClock | RowView
    if defer(SlaClock, values):
        clock = RowView(values)
    else:
        clock = SlaClock(**values)
        db.session.add(clock)
    preloaded = getattr(ticket, PRELOADED, None)
    if preloaded is not None:
        preloaded.append(clock)
    return clock


def _choose(ticket: Ticket) -> PolicyChoice | None:
    cells = [
        PolicyCell(
            p.id,
            p.name,
            p.account_tier.value if p.account_tier else None,
            p.priority.value if p.priority else None,
            p.is_default,
        )
        for p in db.session.scalars(select(SlaPolicy))
    ]
    account_tier = ticket.organization.account_tier.value if ticket.organization else None
    return choose_policy(cells, account_tier, ticket.priority.value)


def start_ticket(ticket: Ticket, now: datetime) -> None:
    """Choose the policy for a new ticket and start its first-response, resolution and tier clocks."""
    choice = _choose(ticket)
    if choice is None:
        refresh(ticket, now)
        return
    ticket.sla_policy_id, ticket.sla_policy_reason = choice.policy_id, choice.reason
    policy = db.session.get_one(SlaPolicy, choice.policy_id)
    for target in (SlaTarget.first_response, SlaTarget.resolution, SlaTarget.tier_dwell):
        _start(ticket, policy, target, now)
    refresh(ticket, now)


def _satisfy(ticket: Ticket, targets: tuple[SlaTarget, ...], now: datetime) -> None:
    for clock in active_clocks(ticket):
        if clock.target in targets:
            clock.satisfied_at = now


def on_agent_reply(ticket: Ticket, now: datetime) -> None:
    """A public answer meets first and next response and is progress at this tier."""
    policy = _policy(ticket)
    if policy is None:
        return
    _satisfy(ticket, (SlaTarget.first_response, SlaTarget.next_response, SlaTarget.tier_dwell), now)
    if ticket.status not in DONE_STATUSES:
        _start(ticket, policy, SlaTarget.tier_dwell, now)
    refresh(ticket, now)


def on_customer_reply(ticket: Ticket, now: datetime) -> None:
    """The customer wrote: the next response is due, unless the first one still is."""
    policy = _policy(ticket)
    if policy is None:
        return
    waiting = {c.target for c in active_clocks(ticket)}
    if not waiting & {SlaTarget.first_response, SlaTarget.next_response}:
        _start(ticket, policy, SlaTarget.next_response, now)
    refresh(ticket, now)


def on_priority_change(ticket: Ticket, now: datetime) -> None:
    """A new priority may mean another policy: re-time the running clocks from their starts,
    keeping the time they spent paused."""
    choice = _choose(ticket) if ticket.sla_policy_id is not None else None
    if choice is None or choice.policy_id == ticket.sla_policy_id:
        # The priority is part of the risk rank all the same; reading the clocks without a flush
        # keeps this change one versioned write.
        with db.session.no_autoflush:
            risk_rank.rank_ticket(ticket, active_clocks(ticket), now, paused=is_paused(ticket))
        return
    ticket.sla_policy_id, ticket.sla_policy_reason = choice.policy_id, choice.reason
    policy = db.session.get_one(SlaPolicy, choice.policy_id)
    calendar, targets = calendar_for(policy), targets_of(policy)
    pauses = list(
        db.session.scalars(
            select(SlaPause).where(SlaPause.ticket_id == ticket.id).order_by(SlaPause.started_at)
        )
    )
    for clock in active_clocks(ticket):
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
    refresh(ticket, now)


def on_tier_change(ticket: Ticket, now: datetime, from_tier: int | None = None) -> None:
    """Entering a tier starts a new tier clock; coming back from the vendor resumes the clock."""
    policy = _policy(ticket)
    if policy is None:
        return
    if from_tier == MAX_TIER:
        # Before the new tier clock starts, so the vendor pause does not move it.
        _sync_pause(ticket, policy, now)
    _satisfy(ticket, (SlaTarget.tier_dwell,), now)
    if ticket.status not in DONE_STATUSES:
        _start(ticket, policy, SlaTarget.tier_dwell, now)
    refresh(ticket, now)


def on_status_change(ticket: Ticket, old: Status, new: Status, now: datetime) -> None:
    """Pause while waiting on someone else, stop when solved, start again when reopened."""
    if old == new:
        return
    if getattr(ticket, PRELOADED, None) is None and ((old in ACTIVE_STATUSES) != (new in ACTIVE_STATUSES)):
        # Open tickets and reopens count in the customer's health, a part of every rank of theirs.
        db.session.flush()
        risk_rank.rank_customers([ticket.customer_id], now)
    policy = _policy(ticket)
    if policy is None:
        refresh(ticket, now)
        return
    _sync_pause(ticket, policy, now)
    if new in DONE_STATUSES:
        _satisfy(ticket, tuple(SlaTarget), now)
    elif old in DONE_STATUSES:
        for target in (SlaTarget.resolution, SlaTarget.tier_dwell):
            _start(ticket, policy, target, now)
    refresh(ticket, now)


def on_vendor_change(ticket: Ticket, now: datetime) -> None:
    """The vendor's hand-off terms changed: pause or resume as they now say."""
    policy = _policy(ticket)
    if policy is None:
        return
    _sync_pause(ticket, policy, now)
    refresh(ticket, now)


def _sync_pause(ticket: Ticket, policy: SlaPolicy, now: datetime) -> None:
    """Keep one open pause while the clocks should stand still. Waiting on the vendor and
    waiting on the status are recorded as separate stretches, each with its reason."""
    wanted = pause_reason(ticket)
    pause = db.session.scalars(
        select(SlaPause)
        .where(SlaPause.ticket_id == ticket.id, SlaPause.ended_at.is_(None))
        .order_by(SlaPause.id.desc())
    ).first()
    if pause is not None and (wanted is None or (pause.reason == VENDOR_PAUSE) != (wanted == VENDOR_PAUSE)):
        _resume(ticket, policy, pause, now)
        pause = None
    if wanted is not None and pause is None:
        db.session.add(SlaPause(ticket_id=ticket.id, started_at=now, reason=wanted))


def _resume(ticket: Ticket, policy: SlaPolicy, pause: SlaPause, now: datetime) -> None:
    pause.ended_at = now
    calendar = calendar_for(policy)
    for clock in active_clocks(ticket):
        if clock.warned_at is None:
            clock.warn_at = shift_after_pause(calendar, clock.warn_at, pause.started_at, now)
        if clock.breached_at is None:
            clock.due_at = shift_after_pause(calendar, clock.due_at, pause.started_at, now)


@contextmanager
def refresh_once(ticket: Ticket, now: datetime) -> Iterator[None]:
    """Changes inside the block refresh the ticket once, at its end: a sweep may breach, raise
    and re-time one ticket several times in a row."""
    setattr(ticket, REFRESH_HELD, True)
    try:
        yield
    finally:
        delattr(ticket, REFRESH_HELD)
    refresh(ticket, now)


def refresh(ticket: Ticket, now: datetime) -> None:
    """Store when the sweep must next look at the ticket (never while paused) and its badge."""
    if getattr(ticket, REFRESH_HELD, False):
        return
    if getattr(ticket, PRELOADED, None) is None:
        db.session.flush()
    clocks = active_clocks(ticket)
    shown = worst_badge([badge(now, c.warn_at, c.due_at, c.breached_at is not None) for c in clocks])
    paused = is_paused(ticket)
    risk_rank.rank_ticket(ticket, clocks, now, paused=paused)
    next_check = None
    if not paused:
        checks = [c.warn_at for c in clocks if c.warned_at is None and c.breached_at is None]
        checks += [c.due_at for c in clocks if c.breached_at is None]
        next_check = min(checks) if checks else None
    # Only real changes are set: the sweep's batch writes just the columns that changed.
    if ticket.sla_badge != shown:
        ticket.sla_badge = shown
    if ticket.sla_next_check_at != next_check:
        ticket.sla_next_check_at = next_check
