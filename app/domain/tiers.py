"""The tier ladder: bounds, direction and the checks on a tier move."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.access import can_act
from app.domain.errors import InvalidInput, NotAllowed
from app.domain.vocabulary import TIER_LABELS, ReasonCode, Tier

# Looked up, not formatted: a sweep labels tens of thousands of moves.
_LABELS = {int(tier): f"Tier {int(tier)} · {label}" for tier, label in TIER_LABELS.items()}
MIN_TIER = int(Tier.SELF_SERVICE)
MAX_TIER = int(Tier.EXTERNAL)
REASON_MAX_LENGTH = 2000
HANDOVER_NOTE_MIN_LENGTH = 10

ESCALATION_REASONS = (
    ReasonCode.needs_expertise,
    ReasonCode.customer_request,
    ReasonCode.sla_risk,
    ReasonCode.vendor_issue,
    ReasonCode.duplicate_of_known_issue,
)
DE_ESCALATION_REASONS = (
    ReasonCode.wrong_tier,
    ReasonCode.workaround_provided,
    ReasonCode.fix_delivered,
    ReasonCode.customer_request,
    ReasonCode.duplicate_of_known_issue,
)


REASON_LABELS = {
    ReasonCode.needs_expertise: "Needs more expertise",
    ReasonCode.customer_request: "Customer asked",
    ReasonCode.sla_risk: "Deadline at risk",
    ReasonCode.vendor_issue: "Vendor issue",
    ReasonCode.duplicate_of_known_issue: "Known issue",
    ReasonCode.wrong_tier: "Wrong tier",
    ReasonCode.workaround_provided: "Workaround given",
    ReasonCode.fix_delivered: "Fix delivered",
}


def reason_label(code: ReasonCode | str) -> str:
    """'Needs more expertise' for needs_expertise: how people read a reason code."""
    try:
        return REASON_LABELS[ReasonCode(code)]
    except ValueError:
        return str(code).replace("_", " ")


def tier_label(tier: int) -> str:
    """'Tier 2 · Technical' for people."""
    label = _LABELS.get(tier)
    return label if label is not None else f"Tier {tier} · {TIER_LABELS[Tier(tier)]}"


def clamp_tier(tier: int) -> int:
    return max(MIN_TIER, min(MAX_TIER, tier))


@dataclass(frozen=True, slots=True)
class TierMove:
    from_tier: int
    to_tier: int
    reason: str
    reason_code: ReasonCode | None = None

    @property
    def is_escalation(self) -> bool:
        return self.to_tier > self.from_tier


def plan_manual_move(
    current: int,
    target: int,
    agent_tier: int,
    reason: str,
    reason_code: str | None = None,
) -> TierMove:
    """Check an agent's tier move and return it, or raise with a sentence saying why not.

    Every move has a reason code and free text; going down, the text is the note the receiving
    tier works from. (What a move to tier 4 carries about the vendor is app.domain.vendors.)
    """
    if not MIN_TIER <= target <= MAX_TIER:
        raise InvalidInput(f"Tier must be between {MIN_TIER} and {MAX_TIER}.", field="tier")
    if target == current:
        raise InvalidInput(f"The ticket is already at tier {current}.", field="tier")
    if not can_act(agent_tier, current):
        raise NotAllowed(f"This ticket is at tier {current}; you work tiers up to {agent_tier}.")
    escalating = target > current
    code = _reason_code(reason_code, escalating)
    reason = (reason or "").strip()
    if not reason:
        word = "escalating" if escalating else "de-escalating"
        raise InvalidInput(f"Say why you are {word} this ticket.", field="reason")
    if not escalating and len(reason) < HANDOVER_NOTE_MIN_LENGTH:
        raise InvalidInput(
            f"Leave tier {target} a note on what is done and what they should do "
            f"(at least {HANDOVER_NOTE_MIN_LENGTH} characters).",
            field="reason",
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            f"The reason is too long (at most {REASON_MAX_LENGTH} characters).", field="reason"
        )
    return TierMove(current, target, reason, code)


def _reason_code(raw: str | None, escalating: bool) -> ReasonCode:
    allowed = ESCALATION_REASONS if escalating else DE_ESCALATION_REASONS
    words = ", ".join(f"“{REASON_LABELS[code]}”" for code in allowed)
    direction = "escalating" if escalating else "de-escalating"
    if not raw:
        raise InvalidInput(f"Pick a reason code for {direction}: {words}.", field="reason_code")
    try:
        code = ReasonCode(raw)
    except ValueError:
        code = None
    if code not in allowed:
        raise InvalidInput(
            f"That is not a reason for {direction}; choose one of {words}.",
            field="reason_code",
        )
    return code
