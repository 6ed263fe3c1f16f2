from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.risk import PressureStep, RiskFacts, pressure_step, risk_rank, time_pressure

facts = st.builds(
    RiskFacts,
    st.one_of(st.none(), st.floats(min_value=-1000, max_value=10_000)),
    st.booleans(),
    st.sampled_from([None, "strategic", "named", "field", "inside"]),
    st.one_of(st.none(), st.floats(min_value=0, max_value=1e9)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
    st.sampled_from(["low", "normal", "high", "urgent"]),
)


def test_a_breached_strategic_urgent_ticket_outranks_a_quiet_one():
    hot = risk_rank(RiskFacts(None, True, "strategic", 2_000_000, 40, "urgent"))
    calm = risk_rank(RiskFacts(600, False, "inside", 100, 100, "low"))
    assert hot.score > calm.score
    assert dict(hot.parts) == {
        "Time to breach": 60.0,
        "Account tier": 30.0,
        "Lifetime value": 9.0,
        "Health": 15.0,
        "Priority": 40.0,
    }
    assert hot.score == 154.0


@given(facts)
def test_the_parts_add_up_and_are_never_negative(f):
    rank = risk_rank(f)
    assert all(points >= 0 for _, points in rank.parts)
    assert abs(rank.score - sum(points for _, points in rank.parts)) < 0.2


@given(facts, st.floats(min_value=0, max_value=479))
def test_less_time_left_never_lowers_the_rank(f, left):
    sooner = RiskFacts(left, False, f.account_tier, f.lifetime_value, f.health_score, f.priority)
    later = RiskFacts(left + 1, False, f.account_tier, f.lifetime_value, f.health_score, f.priority)
    assert risk_rank(sooner).score >= risk_rank(later).score


NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "left, stepped, changes_in",
    [
        (timedelta(minutes=100), 120.0, timedelta(minutes=10)),  # next step at 90 minutes left
        (timedelta(minutes=30), 30.0, timedelta(minutes=30)),  # the last step ends at the deadline
        (timedelta(hours=20), 1200.0, timedelta(hours=20) - timedelta(minutes=450)),
    ],
)
def test_the_time_left_is_rounded_up_to_a_step_that_ends_at_a_known_moment(left, stepped, changes_in):
    step = pressure_step(NOW + left, False, NOW)
    assert step.minutes_to_breach == stepped
    assert step.changes_at == NOW + changes_in


def test_an_overdue_or_breached_deadline_is_at_full_pressure_for_good():
    assert pressure_step(NOW - timedelta(minutes=1), False, NOW) == PressureStep(0.0, False, None)
    assert pressure_step(None, True, NOW) == PressureStep(None, True, None)
    assert time_pressure(0.0, False) == time_pressure(None, True) == 60.0


@given(st.integers(min_value=1, max_value=3000))
def test_the_stepped_pressure_holds_until_its_change_and_then_rises(seconds_left_minutes):
    due = NOW + timedelta(minutes=seconds_left_minutes, seconds=7)
    step = pressure_step(due, False, NOW)
    assert step.changes_at > NOW
    just_before = pressure_step(due, False, step.changes_at - timedelta(seconds=1))
    at_change = pressure_step(due, False, step.changes_at)
    assert time_pressure(just_before.minutes_to_breach, False) == time_pressure(step.minutes_to_breach, False)
    assert time_pressure(at_change.minutes_to_breach, False) > time_pressure(step.minutes_to_breach, False)
