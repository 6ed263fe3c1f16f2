"""Service-level rules: which policy applies, when a target warns and falls due given the stretches
the ticket was paused, and what the desk shows. Pure: the calendar arithmetic is
app.domain.business_time."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.business_time import add_business_minutes_each, add_business_time, business_time_between
from app.domain.calendar_rules import BusinessCalendar
from app.domain.errors import InvalidInput, raise_all
from app.domain.sla_vocabulary import SlaBadge, SlaTarget

MAX_TARGET_MINUTES = 366 * 24 * 60


@dataclass(frozen=True, slots=True)
class PolicyCell:
    """Where a policy sits in the account tier × priority matrix (None = any)."""

    policy_id: int
    name: str
    account_tier: str | None
    priority: str | None
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class PolicyChoice:
    policy_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class Targets:
    """A policy's targets in business minutes; dwell has one value per tier 0–4. A target left
    out (None) is not measured: no clock starts for it."""

    first_response: int | None
    next_response: int | None
    resolution: int | None
    dwell: tuple[int | None, int | None, int | None, int | None, int | None]
    warn_percent: int = 80

    def minutes(self, target: SlaTarget, tier: int) -> int | None:
        if target is SlaTarget.tier_dwell:
            return self.dwell[tier]
        minutes: int | None = getattr(self, target.value)
        return minutes


TARGET_FIELDS = ("first_response", "next_response", "resolution")


def check_targets(targets: Targets) -> None:
    """Raise with a sentence for each target that is not a positive number of minutes within a
    year (all of them at once); left-out targets are fine, as long as one is given."""
    named = [(name, getattr(targets, name)) for name in TARGET_FIELDS]
    named += [(f"dwell_{tier}", minutes) for tier, minutes in enumerate(targets.dwell)]
    problems = [
        InvalidInput(
            f"{name.replace('_', ' ').capitalize()} must be between 1 minute and "
            f"{MAX_TARGET_MINUTES // 60} hours of business time.",
            field=name,
        )
        for name, minutes in named
        if minutes is not None and (not isinstance(minutes, int) or not 1 <= minutes <= MAX_TARGET_MINUTES)
    ]
    if all(minutes is None for _, minutes in named):
        problems.append(InvalidInput("Give at least one target.", field="first_response"))
    if not 1 <= targets.warn_percent <= 99:
        problems.append(InvalidInput("Warn at 1–99 % of a target.", field="warn_percent"))
    raise_all(problems)


def split_minutes(minutes: int | None) -> tuple[int | None, int | None]:
    """Hours and minutes of a target, for a form (None, None when it has none)."""
    if minutes is None:
        return None, None
    return minutes // 60, minutes % 60


def join_minutes(hours: int | None, minutes: int | None) -> int | None:
    """A target from hours and minutes typed in a form; both empty is no target."""
    if hours is None and minutes is None:
        return None
    return (hours or 0) * 60 + (minutes or 0)


def format_minutes(minutes: int | None) -> str:
    """'1 h 30 min', '8 h', '45 min'; '—' for no target."""
    if minutes is None:
        return "—"
    hours, rest = divmod(minutes, 60)
    parts = ([f"{hours} h"] if hours else []) + ([f"{rest} min"] if rest or not hours else [])
    return " ".join(parts)


def choose_policy(
    cells: Sequence[PolicyCell], account_tier: str | None, priority: str
) -> PolicyChoice | None:
    """The most specific policy: tier and priority, then tier, then priority, then the default."""

    def find(tier: str | None, prio: str | None) -> PolicyCell | None:
        return next(
            (c for c in cells if not c.is_default and c.account_tier == tier and c.priority == prio), None
        )

    tier_words = f"account tier {account_tier}" if account_tier else "no account tier"
    for cell, why in (
        (find(account_tier, priority) if account_tier else None, f"{tier_words} and priority {priority}"),
        (find(account_tier, None) if account_tier else None, f"{tier_words}, any priority"),
        (find(None, priority), f"priority {priority}, any account tier"),
    ):
        if cell is not None:
            return PolicyChoice(cell.policy_id, f"{cell.name}: matches {why}")
    default = next((c for c in cells if c.is_default), None)
    if default is None:
        return None
    return PolicyChoice(
        default.policy_id,
        f"{default.name}: the default policy (nothing more specific for {tier_words}, {priority})",
    )


def no_policy_reason(cells: Sequence[PolicyCell], account_tier: str | None, priority: str) -> str:
    """Why a ticket has no policy, for its SLA panel: which cells were looked for and missed."""
    if not cells:
        return "No service-level policies are set up."
    tier_words = f"account tier {account_tier}" if account_tier else "no account tier"
    choice = choose_policy(cells, account_tier, priority)
    if choice is not None:
        name = next(c.name for c in cells if c.policy_id == choice.policy_id)
        return f"{name} covers it now, but the ticket was already solved when that policy was saved."
    return (
        f"No policy covers {tier_words}, priority {priority}, or either of them alone, "
        "and there is no default policy."
    )


@dataclass(frozen=True, slots=True)
class ClockTimes:
    warn_at: datetime
    due_at: datetime


def clock_times(calendar: BusinessCalendar, start: datetime, minutes: int, warn_percent: int) -> ClockTimes:
    """When a target started at `start` warns and falls due, in the calendar's business time."""
    return clock_times_each(calendar, start, [minutes], warn_percent)[0]


def clock_times_each(
    calendar: BusinessCalendar, start: datetime, minutes: Sequence[int], warn_percent: int
) -> list[ClockTimes]:
    """clock_times for several targets started together (a new ticket's clocks), in their order,
    from one walk of the calendar."""
    amounts: list[int] = []
    for target_minutes in minutes:
        amounts += (max(1, math.floor(target_minutes * warn_percent / 100)), target_minutes)
    times = add_business_minutes_each(calendar, start, amounts)
    return [ClockTimes(warn_at=times[i], due_at=times[i + 1]) for i in range(0, len(times), 2)]


Pause = tuple[datetime, datetime]


def paused_times(
    calendar: BusinessCalendar,
    start: datetime,
    minutes: int,
    warn_percent: int,
    pauses: Sequence[Pause],
) -> ClockTimes:
    """clock_times for a clock charged only while it ran and the ticket was not paused.

    Each ended pause is clipped to the clock's own life (from `start` on), overlapping pauses count
    once, and the business time they cover is not charged, so a pause moves the due time by
    exactly the business time it took from this clock, whenever it began."""
    warn_minutes = max(1, math.floor(minutes * warn_percent / 100))
    stretches = merged_pauses(start, pauses)
    return ClockTimes(
        warn_at=_charge(calendar, start, timedelta(minutes=warn_minutes), stretches),
        due_at=_charge(calendar, start, timedelta(minutes=minutes), stretches),
    )


def merged_pauses(start: datetime, pauses: Sequence[Pause]) -> list[Pause]:
    """The pauses from `start` on, clipped to it, in order, overlapping ones joined."""
    clipped = sorted((max(begin, start), end) for begin, end in pauses if end > start and end > begin)
    merged: list[Pause] = []
    for begin, end in clipped:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _charge(
    calendar: BusinessCalendar, start: datetime, budget: timedelta, stretches: Sequence[Pause]
) -> datetime:
    """The instant by which `budget` of business time outside the paused stretches has passed."""
    cursor = start
    for begin, end in stretches:
        running = business_time_between(calendar, cursor, begin)
        if budget <= running:
            break
        budget -= running
        cursor = max(cursor, end)
    return add_business_time(calendar, cursor, budget)


def badge(now: datetime, warn_at: datetime, due_at: datetime, breached: bool) -> SlaBadge:
    if breached or now >= due_at:
        return SlaBadge.breached
    if now >= warn_at:
        return SlaBadge.warning
    return SlaBadge.ok


def worst(badges: Sequence[SlaBadge]) -> SlaBadge | None:
    order = (SlaBadge.ok, SlaBadge.warning, SlaBadge.breached)
    return max(badges, key=order.index) if badges else None
