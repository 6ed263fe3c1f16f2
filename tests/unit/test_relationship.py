from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.domain.relationship import HealthInputs, health_score, suggest_loyalty
from app.domain.vocabulary import LoyaltySegment

counts = st.integers(min_value=0, max_value=1000)
csat = st.one_of(st.none(), st.floats(min_value=1, max_value=5))
inputs = st.builds(HealthInputs, counts, counts, counts, counts, csat)


def test_a_quiet_customer_scores_100_with_no_csat_part():
    score = health_score(HealthInputs())
    assert score.score == 100 and score.band == "good"
    assert [p.label for p in score.parts] == [
        "SLA breaches (90 days)",
        "Escalations (90 days)",
        "Reopened tickets (90 days)",
        "Open tickets beyond two",
    ]


def test_the_parts_add_up_to_the_score():
    score = health_score(
        HealthInputs(breaches_90d=2, escalations_90d=1, reopens_90d=1, open_tickets=4, average_csat=2.0)
    )
    assert [p.points for p in score.parts] == [-16, -4, -5, -6, -5.0]
    assert score.score == 64 and score.band == "watch"


def test_every_part_is_capped():
    score = health_score(
        HealthInputs(breaches_90d=99, escalations_90d=99, reopens_90d=99, open_tickets=99, average_csat=1.0)
    )
    assert score.score == 0 and score.band == "at risk"
    assert [p.points for p in score.parts] == [-40, -20, -20, -15, -10.0]


@given(inputs)
def test_the_score_is_always_between_0_and_100(values):
    assert 0 <= health_score(values).score <= 100


@given(inputs, st.integers(min_value=1, max_value=10))
def test_more_breaches_never_raise_the_score(values, more):
    worse = HealthInputs(
        values.breaches_90d + more,
        values.escalations_90d,
        values.reopens_90d,
        values.open_tickets,
        values.average_csat,
    )
    assert health_score(worse).score <= health_score(values).score


@given(inputs, st.floats(min_value=0, max_value=4))
def test_a_better_csat_never_lowers_the_score(values, better):
    base = 1.0 if values.average_csat is None else values.average_csat
    low = HealthInputs(
        values.breaches_90d, values.escalations_90d, values.reopens_90d, values.open_tickets, base
    )
    high = HealthInputs(
        values.breaches_90d,
        values.escalations_90d,
        values.reopens_90d,
        values.open_tickets,
        min(5.0, base + better),
    )
    assert health_score(high).score >= health_score(low).score


def test_loyalty_suggestions_follow_the_score():
    assert suggest_loyalty(health_score(HealthInputs()), 12) is LoyaltySegment.active_loyal
    assert suggest_loyalty(health_score(HealthInputs()), 1) is LoyaltySegment.habitual_loyal
    assert suggest_loyalty(health_score(HealthInputs(breaches_90d=5)), 3) is (
        LoyaltySegment.situational_loyal
    )
    assert suggest_loyalty(health_score(HealthInputs(breaches_90d=5, escalations_90d=5)), 3) is (
        LoyaltySegment.active_disloyal
    )
