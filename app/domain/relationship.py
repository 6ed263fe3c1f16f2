"""The customer relationship in numbers: a health score with its parts, and a loyalty guess.

Health score (0–100) = 100
    − 8 per SLA breach in the last 90 days (at most 40)
    − 4 per escalation in the last 90 days (at most 20)
    − 5 per reopened ticket in the last 90 days (at most 20)
    − 3 per open ticket beyond the first two (at most 15)
    + 5 × (average CSAT of the last 90 days − 3), from −10 to +10; nothing without answers
clamped to 0–100. More breaches, escalations, reopens or open tickets never raise the score; a
better CSAT never lowers it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.vocabulary import LoyaltySegment

BREACH_POINTS, BREACH_CAP = 8, 40
ESCALATION_POINTS, ESCALATION_CAP = 4, 20
REOPEN_POINTS, REOPEN_CAP = 5, 20
OPEN_FREE, OPEN_POINTS, OPEN_CAP = 2, 3, 15
CSAT_NEUTRAL, CSAT_POINTS = 3, 5


@dataclass(frozen=True, slots=True)
class HealthInputs:
    breaches_90d: int = 0
    escalations_90d: int = 0
    reopens_90d: int = 0
    open_tickets: int = 0
    average_csat: float | None = None


@dataclass(frozen=True, slots=True)
class HealthPart:
    label: str
    points: float


@dataclass(frozen=True, slots=True)
class HealthScore:
    score: int
    parts: tuple[HealthPart, ...]

    @property
    def band(self) -> str:
        return "good" if self.score >= 75 else "watch" if self.score >= 50 else "at risk"


def health_score(inputs: HealthInputs) -> HealthScore:
    """The score and the parts it is made of, for people to see why."""
    parts = [
        HealthPart("SLA breaches (90 days)", -min(BREACH_CAP, BREACH_POINTS * inputs.breaches_90d)),
        HealthPart("Escalations (90 days)", -min(ESCALATION_CAP, ESCALATION_POINTS * inputs.escalations_90d)),
        HealthPart("Reopened tickets (90 days)", -min(REOPEN_CAP, REOPEN_POINTS * inputs.reopens_90d)),
        HealthPart(
            "Open tickets beyond two", -min(OPEN_CAP, OPEN_POINTS * max(0, inputs.open_tickets - OPEN_FREE))
        ),
    ]
    if inputs.average_csat is not None:
        parts.append(
            HealthPart("Average CSAT (90 days)", round(CSAT_POINTS * (inputs.average_csat - CSAT_NEUTRAL), 1))
        )
    total = 100 + sum(part.points for part in parts)
    return HealthScore(max(0, min(100, round(total))), tuple(parts))


def suggest_loyalty(score: HealthScore, tickets_total: int) -> LoyaltySegment:
    """A starting point where nobody has set a segment: engaged and happy customers are loyal,
    unhappy ones are at risk of leaving."""
    if score.score >= 80 and tickets_total >= 5:
        return LoyaltySegment.active_loyal
    if score.score >= 65:
        return LoyaltySegment.habitual_loyal
    if score.score >= 45:
        return LoyaltySegment.situational_loyal
    return LoyaltySegment.active_disloyal
