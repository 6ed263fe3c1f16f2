"""Risk rank: which ticket a queue shows first, and why.

rank = time pressure + account weight + value + (100 − health) / 4 + priority, each part shown:
    time pressure   60 when breached, else 60 × (1 − minutes left / 480), never below 0
    account weight  strategic 30, named 20, field 10, inside 0
    value           10 × log10(lifetime value in whole units) / 7, at most 10
    health          (100 − health score) / 4, 0 without a score
    priority        urgent 40, high 20, normal 5, low 0
Higher is riskier. Equal facts give equal ranks, and each part moves the rank one way only.

Stored ranks use the time left rounded up to a 30-minute step (`pressure_step`), so a stored rank
changes at known moments and only tickets whose moment has come need recomputing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

PRESSURE_HORIZON_MINUTES = 480
PRESSURE_STEP_MINUTES = 30
ACCOUNT_WEIGHT = {"strategic": 30, "named": 20, "field": 10, "inside": 0}
PRIORITY_WEIGHT = {"urgent": 40, "high": 20, "normal": 5, "low": 0}
PART_NAMES = ("Time to breach", "Account tier", "Lifetime value", "Health", "Priority")


@dataclass(frozen=True, slots=True)
class RiskFacts:
    minutes_to_breach: float | None  # None: no running SLA target
    breached: bool
    account_tier: str | None
    lifetime_value: float | None  # whole currency units
    health_score: int | None
    priority: str


@dataclass(frozen=True, slots=True)
class RiskRank:
    score: float
    parts: tuple[tuple[str, float], ...]


def time_pressure(minutes_to_breach: float | None, breached: bool) -> float:
    """Points for how close the next breach is: 0 beyond the horizon, 60 when due or breached."""
    if breached:
        return 60.0
    if minutes_to_breach is None:
        return 0.0
    left = max(0.0, minutes_to_breach)
    return round(max(0.0, 60.0 * (1 - left / PRESSURE_HORIZON_MINUTES)), 1)


def account_points(account_tier: str | None) -> float:
    return float(ACCOUNT_WEIGHT.get(account_tier or "", 0))


def value_points(lifetime_value: float | None) -> float:
    if not lifetime_value or lifetime_value <= 1:
        return 0.0
    return round(min(10.0, 10 * math.log10(lifetime_value) / 7), 1)


def health_points(health_score: int | None) -> float:
    return round((100 - health_score) / 4, 1) if health_score is not None else 0.0


def priority_points(priority: str) -> float:
    return float(PRIORITY_WEIGHT.get(priority, 0))


def risk_rank(facts: RiskFacts) -> RiskRank:
    """The rank and its named parts."""
    points = (
        time_pressure(facts.minutes_to_breach, facts.breached),
        account_points(facts.account_tier),
        value_points(facts.lifetime_value),
        health_points(facts.health_score),
        priority_points(facts.priority),
    )
    parts = tuple(zip(PART_NAMES, points, strict=True))
    return RiskRank(round(sum(points), 1), parts)


@dataclass(frozen=True, slots=True)
class PressureStep:
    minutes_to_breach: float | None  # rounded up to a step; None without a running target
    breached: bool
    changes_at: datetime | None  # when the stepped pressure next changes; None: it never will


def pressure_step(due_at: datetime | None, breached: bool, now: datetime) -> PressureStep:
    """The time left before `due_at`, rounded up to a whole step, and when that step ends.

    Beyond the horizon the pressure is 0 until the last step before the horizon begins; once the
    time is up it stays at its maximum until the facts change."""
    if breached or due_at is None:
        return PressureStep(None, breached, None)
    step = timedelta(minutes=PRESSURE_STEP_MINUTES)
    left = due_at - now
    if left <= timedelta(0):
        return PressureStep(0.0, False, None)
    steps = math.ceil(left / step)
    horizon_steps = PRESSURE_HORIZON_MINUTES // PRESSURE_STEP_MINUTES
    if steps > horizon_steps:
        return PressureStep(float(steps * PRESSURE_STEP_MINUTES), False, due_at - step * (horizon_steps - 1))
    return PressureStep(float(steps * PRESSURE_STEP_MINUTES), False, due_at - step * (steps - 1))
