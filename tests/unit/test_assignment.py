from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.assignment import (
    AssignmentMode,
    Candidate,
    is_away,
    pick_assignee,
    pick_least_loaded,
    pick_round_robin,
)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def team(*ids: int, tier: int = 1, **changes: dict) -> list[Candidate]:
    """Candidates of the given ids; `changes` maps an id (as 'u<id>') to field overrides."""
    return [Candidate(user_id=i, working_tier=tier, **changes.get(f"u{i}", {})) for i in ids]


def cycle(mode: AssignmentMode, candidates: list[Candidate], rounds: int, tier: int = 1):
    """Hand out `rounds` tickets, moving the cursor and the loads as the service does."""
    loads = {c.user_id: c.open_tickets for c in candidates}
    cursor, picks = None, []
    for _ in range(rounds):
        current = [
            Candidate(c.user_id, c.working_tier, c.active, c.staff, c.away, loads[c.user_id])
            for c in candidates
        ]
        chosen = pick_assignee(mode, current, tier, cursor)
        picks.append(chosen)
        if chosen is not None:
            cursor = chosen
            loads[chosen] += 1
    return picks


def test_round_robin_takes_each_agent_in_turn_and_wraps_round():
    assert cycle(AssignmentMode.round_robin, team(7, 3, 5), 7) == [3, 5, 7, 3, 5, 7, 3]


def test_round_robin_continues_after_the_cursor_even_if_that_agent_left():
    assert pick_round_robin(team(2, 4, 9), 1, cursor=5) == 9
    assert pick_round_robin(team(2, 4, 9), 1, cursor=9) == 2


@given(st.sets(st.integers(1, 10_000), min_size=1, max_size=12), st.integers(1, 60))
def test_round_robin_is_fair_any_two_agents_differ_by_at_most_one(ids, rounds):
    counts = Counter(cycle(AssignmentMode.round_robin, team(*ids), rounds))
    per_agent = [counts[i] for i in ids]
    assert max(per_agent) - min(per_agent) <= 1
    assert sum(per_agent) == rounds


def test_least_loaded_picks_the_lightest_agent():
    agents = team(1, 2, 3, u1={"open_tickets": 4}, u2={"open_tickets": 1}, u3={"open_tickets": 2})
    assert pick_least_loaded(agents, 1, cursor=None) == 2


def test_least_loaded_breaks_ties_in_turn_after_the_cursor():
    agents = team(1, 2, 3, u1={"open_tickets": 1}, u2={"open_tickets": 1}, u3={"open_tickets": 1})
    assert pick_least_loaded(agents, 1, cursor=None) == 1
    assert pick_least_loaded(agents, 1, cursor=1) == 2
    assert pick_least_loaded(agents, 1, cursor=3) == 1


def test_least_loaded_fills_the_lightest_up_before_sharing_again():
    agents = team(1, 2, u1={"open_tickets": 3})
    assert cycle(AssignmentMode.least_loaded, agents, 5) == [2, 2, 2, 1, 2]


def test_away_inactive_non_staff_and_lower_tier_agents_are_skipped():
    agents = [
        Candidate(1, working_tier=2, away=True),
        Candidate(2, working_tier=2, active=False),
        Candidate(3, working_tier=2, staff=False),
        Candidate(4, working_tier=1),
        Candidate(5, working_tier=3, open_tickets=9),
    ]
    for mode in AssignmentMode:
        assert pick_assignee(mode, agents, ticket_tier=2, cursor=None) == 5


def test_nobody_available_leaves_the_ticket_unassigned():
    assert pick_round_robin([], 1, cursor=None) is None
    assert pick_least_loaded(team(1, 2, u1={"away": True}, u2={"away": True}), 1, None) is None
    assert pick_assignee(AssignmentMode.least_loaded, team(1, tier=1), 2, None) is None


def test_away_lasts_until_the_time_given_or_until_the_agent_is_back():
    assert is_away(True, None, NOW)
    assert is_away(True, NOW + timedelta(minutes=1), NOW)
    assert not is_away(True, NOW, NOW)
    assert not is_away(False, None, NOW)
