"""What the clock hooks compute without changing anything: why a ticket's clocks stand still,
the policy it has and the one its cell names, a new clock's columns, the clocks a ticket owes,
its ended pauses, and the badge and next check its running clocks give."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.domain.sla import PolicyCell, PolicyChoice, badge, choose_policy, clock_times_each
from app.domain.sla import worst as worst_badge
from app.domain.sla_vocabulary import SlaBadge, SlaTarget
from app.domain.vendors import clock_pause_reason
from app.extensions import db
from app.models import SlaPause, SlaPolicy, Ticket
from app.services.sla.clock_pass import Clock, ClockPass
from app.services.sla.policies import calendar_for, targets_of
from app.services.sla.policy_cache import cached_policy, policy_cells


def pause_reason(ticket: Ticket) -> str | None:
    """Why the clocks stand still now (None while they run); see domain.vendors."""
    return clock_pause_reason(
        ticket.status.value, ticket.tier, ticket.vendor_id is not None, ticket.vendor_pauses_clock
    )


def is_paused(ticket: Ticket) -> bool:
    return pause_reason(ticket) is not None


def read_policy(policy_id: int) -> SlaPolicy:
    """The process's copy of the policy (see sla.policy_cache), read afresh if it is missing."""
    return cached_policy(policy_id) or db.session.get_one(SlaPolicy, policy_id)


def ticket_policy(ticket: Ticket, clocks: ClockPass | None) -> SlaPolicy | None:
    """The ticket's policy: the one the caller's pass read with it, else the process's copy."""
    policy_id = ticket.sla_policy_id
    if policy_id is None:
        return None
    known = clocks.policies.get(ticket.id) if clocks is not None else None
    if known is not None and known.id == policy_id:
        return known
    return cached_policy(policy_id) or db.session.get(SlaPolicy, policy_id)


def clock_values(policy: SlaPolicy, target: SlaTarget, tier: int, now: datetime) -> dict[str, Any] | None:
    """The columns of a clock of `target` started at `now` at `tier` (None when the policy does
    not measure that target); the same for every ticket of that policy and tier."""
    return clock_values_each(policy, [target], tier, now)[0]


def clock_values_each(
    policy: SlaPolicy, targets: Sequence[SlaTarget], tier: int, now: datetime
) -> list[dict[str, Any] | None]:
    """clock_values for several targets started together, in their order, timed in one walk of
    the policy's calendar."""
    of_policy = targets_of(policy)
    measured = [(target, of_policy.minutes(target, tier)) for target in targets]
    amounts = [minutes for _target, minutes in measured if minutes is not None]
    times = iter(clock_times_each(calendar_for(policy), now, amounts, of_policy.warn_percent))
    found: list[dict[str, Any] | None] = []
    for target, minutes in measured:
        if minutes is None:
            found.append(None)  # the policy does not measure this target
            continue
        timed = next(times)
        found.append(
            {
                "target": target,
                "tier": tier,
                "minutes": minutes,
                "started_at": now,
                "warn_at": timed.warn_at,
                "due_at": timed.due_at,
            }
        )
    return found


def owed_targets(first_responded: bool) -> list[SlaTarget]:
    """The clocks a ticket that takes a policy while open starts, in the order it starts them."""
    owed = [SlaTarget.resolution, SlaTarget.tier_dwell]
    if not first_responded:
        owed.insert(0, SlaTarget.first_response)
    return owed


def choose_for(ticket: Ticket, cells: list[PolicyCell] | None = None) -> PolicyChoice | None:
    """The policy the ticket's cell names now (None when no cell and no default does)."""
    # Reading costs no flush, so the caller's change stays one versioned write.
    with db.session.no_autoflush:
        account_tier = ticket.organization.account_tier.value if ticket.organization else None
        # This process's copy of the matrix, current with every policy edit.
        known = policy_cells() if cells is None else cells
    return choose_policy(known, account_tier, ticket.priority.value)


def ended_pauses(ticket: Ticket, ending: SlaPause | None = None) -> list[tuple[datetime, datetime]]:
    """The ticket's paused stretches that have ended, with one ending in this transaction."""
    with db.session.no_autoflush:
        stored = list(db.session.scalars(select(SlaPause).where(SlaPause.ticket_id == ticket.id)))
    if ending is not None and ending not in stored:
        stored.append(ending)
    return [(p.started_at, p.ended_at) for p in stored if p.ended_at is not None]


def standing(
    running: Sequence[Clock], now: datetime, *, paused: bool
) -> tuple[SlaBadge | None, datetime | None]:
    """The badge the running clocks show and when the sweep must next look (never while paused)."""
    shown = worst_badge([badge(now, c.warn_at, c.due_at, c.breached_at is not None) for c in running])
    if paused:
        return shown, None
    checks = [c.warn_at for c in running if c.warned_at is None and c.breached_at is None]
    checks += [c.due_at for c in running if c.breached_at is None]
    return shown, (min(checks) if checks else None)
