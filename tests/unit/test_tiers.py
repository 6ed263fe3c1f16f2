from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import InvalidInput, NotAllowed
from app.domain.tiers import (
    MAX_TIER,
    MIN_TIER,
    REASON_LABELS,
    clamp_tier,
    plan_manual_move,
    reason_label,
    tier_label,
)
from app.domain.vocabulary import ReasonCode

tiers = st.integers(min_value=MIN_TIER, max_value=MAX_TIER)


def test_tier_labels_read_as_words():
    assert tier_label(0) == "Tier 0 · Self-service"
    assert tier_label(2) == "Tier 2 · Technical"
    assert tier_label(4) == "Tier 4 · External vendor"


@given(st.integers(min_value=-100, max_value=100))
def test_clamping_always_lands_on_the_ladder(tier):
    assert MIN_TIER <= clamp_tier(tier) <= MAX_TIER


@given(current=tiers, target=st.integers(min_value=-5, max_value=9), agent=st.integers(1, 4))
def test_a_planned_move_stays_on_the_ladder_and_within_the_agents_reach(current, target, agent):
    try:
        code = "needs_expertise" if target > current else "wrong_tier"
        move = plan_manual_move(current, target, agent, "needs a specialist", code)
    except (InvalidInput, NotAllowed):
        return
    assert MIN_TIER <= move.to_tier <= MAX_TIER
    assert move.to_tier != current
    assert current <= agent


@pytest.mark.parametrize("target", [-1, 5, 99])
def test_a_move_off_the_ladder_is_refused(target):
    with pytest.raises(InvalidInput, match="between 0 and 4") as error:
        plan_manual_move(1, target, 4, "why", "needs_expertise")
    assert error.value.field == "tier"


def test_an_agent_cannot_move_a_ticket_above_their_tier():
    with pytest.raises(NotAllowed, match="tier 3"):
        plan_manual_move(3, 1, 1, "back to frontline", "wrong_tier")


def test_a_move_needs_a_reason_worded_for_its_direction():
    with pytest.raises(InvalidInput, match="escalating"):
        plan_manual_move(1, 2, 2, "  ", "needs_expertise")
    with pytest.raises(InvalidInput, match="de-escalating"):
        plan_manual_move(2, 1, 2, "", "wrong_tier")


def test_a_move_to_the_same_tier_is_refused():
    with pytest.raises(InvalidInput, match="already at tier 2"):
        plan_manual_move(2, 2, 4, "why", "needs_expertise")


def test_an_agent_may_escalate_beyond_their_own_tier():
    move = plan_manual_move(1, 3, 1, "database corruption", "needs_expertise")
    assert move.is_escalation and move.to_tier == 3


def test_every_move_needs_a_reason_code_that_fits_its_direction():
    with pytest.raises(InvalidInput, match="Pick a reason code for escalating") as error:
        plan_manual_move(1, 2, 2, "why", None)
    assert error.value.field == "reason_code"
    assert "“Needs more expertise”" in str(error.value) and "_" not in str(error.value)
    with pytest.raises(InvalidInput, match="That is not a reason for escalating") as error:
        plan_manual_move(1, 2, 2, "why", "fix_delivered")
    assert "_" not in str(error.value)
    with pytest.raises(InvalidInput, match="not a reason for de-escalating"):
        plan_manual_move(2, 1, 2, "a long enough note", "sla_risk")
    move = plan_manual_move(1, 2, 2, "why", "sla_risk")
    assert move.reason_code.value == "sla_risk"


def test_de_escalation_needs_a_handover_note():
    with pytest.raises(InvalidInput, match="Leave tier 1 a note"):
        plan_manual_move(2, 1, 2, "done", "wrong_tier")
    assert plan_manual_move(2, 1, 2, "Reset the SSO cache, then close", "workaround_provided")


def test_every_reason_code_has_a_label():
    assert set(REASON_LABELS) == set(ReasonCode)
    assert reason_label("needs_expertise") == "Needs more expertise"
