"""Who gets a ticket when it enters a team's queue: round robin or the least-loaded agent.

Both modes walk the team in one fixed order (user id) from a cursor, the last agent the team
assigned to: round robin takes the next available agent after the cursor; least loaded takes the
agents with the fewest active tickets and, among equals, the next after the cursor. So ties are
broken deterministically and evenly, and the same candidates and cursor always give the same pick.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AssignmentMode(StrEnum):
    manual = "manual"
    round_robin = "round_robin"
    least_loaded = "least_loaded"


MODE_LABELS = {
    AssignmentMode.manual: "Manual: people assign tickets",
    AssignmentMode.round_robin: "Round robin: each available agent in turn",
    AssignmentMode.least_loaded: "Least loaded: the agent with the fewest active tickets",
}


# How long an agent may say they are away for; None: until they come back.
AWAY_CHOICES: tuple[tuple[int | None, str], ...] = (
    (None, "until I'm back"),
    (1, "1 hour"),
    (4, "4 hours"),
    (8, "8 hours"),
    (24, "1 day"),
    (72, "3 days"),
    (168, "1 week"),
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A team member as the choice sees them."""

    user_id: int
    working_tier: int  # the highest tier they may act on
    active: bool = True
    staff: bool = True
    away: bool = False
    open_tickets: int = 0


def is_away(away: bool, away_until: datetime | None, now: datetime) -> bool:
    """Away with no end time lasts until the agent comes back; with one, until that time."""
    return away and (away_until is None or now < away_until)


def available(candidates: Iterable[Candidate], ticket_tier: int) -> list[Candidate]:
    """Active staff who are not away and work the ticket's tier, in the team's fixed order."""
    return sorted(
        (c for c in candidates if c.active and c.staff and not c.away and c.working_tier >= ticket_tier),
        key=lambda c: c.user_id,
    )


def _next_after(ordered: Sequence[Candidate], cursor: int | None) -> Candidate | None:
    """The first candidate after the cursor in id order, wrapping round to the first."""
    if not ordered:
        return None
    if cursor is not None:
        for candidate in ordered:
            if candidate.user_id > cursor:
                return candidate
    return ordered[0]


def pick_round_robin(candidates: Iterable[Candidate], ticket_tier: int, cursor: int | None) -> int | None:
    """The next available agent after the cursor; None when nobody is available."""
    chosen = _next_after(available(candidates, ticket_tier), cursor)
    return chosen.user_id if chosen else None


def pick_least_loaded(candidates: Iterable[Candidate], ticket_tier: int, cursor: int | None) -> int | None:
    """The available agent with the fewest active tickets; among equals, the next after the
    cursor. None when nobody is available."""
    pool = available(candidates, ticket_tier)
    if not pool:
        return None
    lightest = min(c.open_tickets for c in pool)
    chosen = _next_after([c for c in pool if c.open_tickets == lightest], cursor)
    return chosen.user_id if chosen else None


def pick_assignee(
    mode: AssignmentMode, candidates: Iterable[Candidate], ticket_tier: int, cursor: int | None
) -> int | None:
    """The agent a team in this mode gives the ticket to. A manual team hands over (when someone
    asks it to) in round-robin order."""
    if mode is AssignmentMode.least_loaded:
        return pick_least_loaded(candidates, ticket_tier, cursor)
    return pick_round_robin(candidates, ticket_tier, cursor)
