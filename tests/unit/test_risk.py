from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.domain.risk import RiskFacts, risk_rank

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
    assert dict(hot.parts) == {"Time to breach": 60.0, "Account tier": 30.0,
                               "Lifetime value": 9.0, "Health": 15.0, "Priority": 40.0}
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
