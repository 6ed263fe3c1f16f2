"""The tier ladder: bounds, direction and the checks on a tier move."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.access import can_act
from app.domain.errors import InvalidInput, NotAllowed
from app.domain.vocabulary import TIER_LABELS, Tier

MIN_TIER = int(Tier.SELF_SERVICE)
MAX_TIER = int(Tier.EXTERNAL)
REASON_MAX_LENGTH = 2000


def tier_label(tier: int) -> str:
    """'Tier 2 · Technical' for people."""
    return f"Tier {tier} · {TIER_LABELS[Tier(tier)]}"


def clamp_tier(tier: int) -> int:
    return max(MIN_TIER, min(MAX_TIER, tier))


@dataclass(frozen=True, slots=True)
class TierMove:
    from_tier: int
    to_tier: int
    reason: str

    @property
    def is_escalation(self) -> bool:
        return self.to_tier > self.from_tier


def plan_manual_move(current: int, target: int, agent_tier: int, reason: str) -> TierMove:
    """Check an agent's tier move and return it, or raise with a sentence saying why not."""
    if not MIN_TIER <= target <= MAX_TIER:
        raise InvalidInput(f"Tier must be between {MIN_TIER} and {MAX_TIER}.", field="tier")
    if target == current:
        raise InvalidInput(f"The ticket is already at tier {current}.", field="tier")
    if not can_act(agent_tier, current):
        raise NotAllowed(
            f"This ticket is at tier {current}; you work tiers up to {agent_tier}."
        )
    reason = (reason or "").strip()
    if not reason:
        word = "escalating" if target > current else "de-escalating"
        raise InvalidInput(f"Say why you are {word} this ticket.", field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            f"The reason is too long (at most {REASON_MAX_LENGTH} characters).", field="reason"
        )
    return TierMove(from_tier=current, to_tier=target, reason=reason)
