"""What customers read about their requests: plain words instead of the desk's tiers and
statuses, and the few rules about what a customer must write."""

from __future__ import annotations

import re

from app.domain.vocabulary import AuthorKind, Status, Tier

# One phrase per state a customer can meet; every portal page and mail takes its words from here.
WORKING = "We're on it"
WAITING_FOR_YOU = "Waiting for you"
SPECIALISTS = "With our specialists"
PARTNER = "With a partner"
SUGGESTED = "Answer suggested"
SOLVED = "Solved"
CLOSED = "Closed"

STATE_HINTS = {
    WORKING: "Someone from our team is looking after your request.",
    WAITING_FOR_YOU: "We need your answer to continue.",
    SPECIALISTS: "Our specialists are working on it.",
    PARTNER: "A partner of ours is working on it; we follow it up for you.",
    SUGGESTED: "We sent you an article that may answer it. Reply if it does not, and a person takes over.",
    SOLVED: "We think this is solved. Reply if it is not.",
    CLOSED: "This request is closed.",
}

# Who wrote a message, as the portal says it ("… (support) wrote", "Automatic message").
AUTHOR_WORDS = {AuthorKind.customer: "customer", AuthorKind.agent: "support", AuthorKind.system: "automatic"}

DESCRIPTION_MIN_WORDS = 3
DESCRIPTION_MIN_CHARACTERS = 15
DESCRIPTION_TOO_SHORT = (
    f"Tell us a little more: at least {DESCRIPTION_MIN_WORDS} words and "
    f"{DESCRIPTION_MIN_CHARACTERS} characters, so we can help at once."
)
_WORD = re.compile(r"\w+", re.UNICODE)


def customer_state(status: Status, tier: int) -> str:
    """The phrase a customer sees for a request in this status at this tier."""
    if status is Status.closed:
        return CLOSED
    if status is Status.solved:
        return SOLVED
    if status is Status.pending:
        return WAITING_FOR_YOU
    if status is Status.on_hold or tier >= Tier.EXTERNAL:
        return PARTNER
    if tier == Tier.SELF_SERVICE:
        return SUGGESTED
    if tier >= Tier.TECHNICAL:
        return SPECIALISTS
    return WORKING


def description_problem(text: str | None) -> str | None:
    """Why a description is too short to act on, or None when it says enough."""
    words = _WORD.findall(text or "")
    if len(words) < DESCRIPTION_MIN_WORDS or len(" ".join((text or "").split())) < DESCRIPTION_MIN_CHARACTERS:
        return DESCRIPTION_TOO_SHORT
    return None
