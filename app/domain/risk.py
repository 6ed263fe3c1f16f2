"""Risk rank: which ticket a queue shows first, and why.

rank = time pressure + account weight + value + (100 − health) / 4 + priority, each part shown:
    time pressure   60 when breached, else 60 × (1 − minutes left / 480), never below 0
    account weight  strategic 30, named 20, field 10, inside 0
    value           10 × log10(lifetime value in whole units) / 7, at most 10
    health          (100 − health score) / 4, 0 without a score
    priority        urgent 40, high 20, normal 5, low 0
Higher is riskier. Equal facts give equal ranks, and each part moves the rank one way only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

PRESSURE_HORIZON_MINUTES = 480
ACCOUNT_WEIGHT = {"strategic": 30, "named": 20, "field": 10, "inside": 0}
PRIORITY_WEIGHT = {"urgent": 40, "high": 20, "normal": 5, "low": 0}


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


def risk_rank(facts: RiskFacts) -> RiskRank:
    if facts.breached:
        pressure = 60.0
    elif facts.minutes_to_breach is None:
        pressure = 0.0
    else:
        left = max(0.0, facts.minutes_to_breach)
        pressure = max(0.0, 60.0 * (1 - left / PRESSURE_HORIZON_MINUTES))
    value = 0.0
    if facts.lifetime_value and facts.lifetime_value > 1:
        value = min(10.0, 10 * math.log10(facts.lifetime_value) / 7)
    health = (100 - facts.health_score) / 4 if facts.health_score is not None else 0.0
    parts = (
        ("Time to breach", round(pressure, 1)),
        ("Account tier", float(ACCOUNT_WEIGHT.get(facts.account_tier or "", 0))),
        ("Lifetime value", round(value, 1)),
        ("Health", round(health, 1)),
        ("Priority", float(PRIORITY_WEIGHT.get(facts.priority, 0))),
    )
    return RiskRank(round(sum(points for _, points in parts), 1), parts)
