from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.escalation import (
    TRIGGER_EVENT_WORDS,
    Action,
    ActionKind,
    Condition,
    Rule,
    Trigger,
    condition_holds,
    evaluate,
    int_value,
)
from app.domain.rule_fields import Operator, TicketSnapshot


def snapshot(**overrides) -> TicketSnapshot:
    values = dict(
        ticket_id=1,
        priority="normal",
        status="new",
        tier=1,
        channel="portal",
        category="technical",
        subject="Login broken",
        description="Since the update nobody logs in",
        age_hours=5.0,
        reopen_count=0,
        escalation_count=0,
        tags=frozenset({"vip"}),
        account_tier="strategic",
        lifecycle_stage="retention",
        loyalty_segment="active_loyal",
        lifetime_value=120_000.0,
        open_ticket_count=3,
        sla_breaches_90d=1,
        last_csat=2,
        health_score=None,
    )
    values.update(overrides)
    return TicketSnapshot(**values)


def rule(
    name="r", *actions: Action, conditions=(), trigger=Trigger.ticket_created, stop=False, enabled=True
) -> Rule:
    return Rule(name, trigger, tuple(conditions), tuple(actions), stop=stop, enabled=enabled)


@pytest.mark.parametrize(
    ("field", "operator", "value", "expected"),
    [
        ("account_tier", Operator.eq, "strategic", True),
        ("account_tier", Operator.eq, "named", False),
        ("account_tier", Operator.ne, "named", True),
        ("priority", Operator.in_, ("high", "normal"), True),
        ("priority", Operator.in_, ("high", "urgent"), False),
        ("lifetime_value", Operator.gte, 120_000.0, True),
        ("lifetime_value", Operator.gte, 120_001.0, False),
        ("last_csat", Operator.lte, 2.0, True),
        ("last_csat", Operator.lte, 1.0, False),
        ("tier", Operator.eq, 1.0, True),
        ("subject", Operator.contains, "LOGIN", True),
        ("description", Operator.contains, "password", False),
        ("text", Operator.contains, "update", True),
        ("text", Operator.matches, r"log(s|ged)? in", True),
        ("subject", Operator.matches, r"^broken", False),
        ("tags", Operator.contains, "vip", True),
        ("tags", Operator.contains, "legal", False),
    ],
)
def test_each_operator(field, operator, value, expected):
    assert condition_holds(Condition(field, operator, value), snapshot()) is expected


@pytest.mark.parametrize("operator", [Operator.eq, Operator.ne, Operator.gte, Operator.lte])
def test_an_unknown_fact_never_satisfies_a_condition(operator):
    assert not condition_holds(Condition("health_score", operator, 50.0), snapshot())
    assert not condition_holds(Condition("account_tier", Operator.ne, "named"), snapshot(account_tier=None))


def test_each_action_changes_the_routing_and_reports_the_change():
    actions = [
        Action(ActionKind.set_tier, 3),
        Action(ActionKind.lower_tier),
        Action(ActionKind.raise_tier),
        Action(ActionKind.set_priority, "urgent"),
        Action(ActionKind.assign_team, 7),
        Action(ActionKind.assign_agent, 9),
        Action(ActionKind.add_tag, "security"),
        Action(ActionKind.notify, "account_manager"),
    ]
    result = evaluate([rule("all", *actions)], Trigger.ticket_created, snapshot())
    assert (result.tier, result.priority, result.team_id, result.assignee_id) == (3, "urgent", 7, 9)
    assert result.tags == {"vip", "security"}
    assert [(e.kind, e.before, e.after) for e in result.effects] == [
        (ActionKind.set_tier, 1, 3),
        (ActionKind.lower_tier, 3, 2),
        (ActionKind.raise_tier, 2, 3),
        (ActionKind.set_priority, "normal", "urgent"),
        (ActionKind.assign_team, None, 7),
        (ActionKind.assign_agent, None, 9),
        (ActionKind.add_tag, None, "security"),
        (ActionKind.notify, None, "account_manager"),
    ]


def test_actions_that_change_nothing_leave_no_effect():
    actions = [
        Action(ActionKind.set_priority, "normal"),
        Action(ActionKind.add_tag, "vip"),
        Action(ActionKind.set_tier, 1),
    ]
    result = evaluate([rule("noop", *actions)], Trigger.ticket_created, snapshot())
    assert result.fired == ("noop",) and not result.changed


def test_tiers_are_capped_at_four_and_zero():
    up = evaluate([rule("up", Action(ActionKind.raise_tier))], Trigger.ticket_created, snapshot(tier=4))
    down = evaluate([rule("down", Action(ActionKind.lower_tier))], Trigger.ticket_created, snapshot(tier=0))
    assert (up.tier, up.effects) == (4, ())
    assert (down.tier, down.effects) == (0, ())


def test_rules_run_in_order_and_stop_ends_the_pass():
    rules = [
        rule("first", Action(ActionKind.set_tier, 2)),
        rule("stopper", Action(ActionKind.add_tag, "stopped"), stop=True),
        rule("never", Action(ActionKind.set_tier, 4)),
    ]
    result = evaluate(rules, Trigger.ticket_created, snapshot())
    assert result.fired == ("first", "stopper")
    assert result.tier == 2


def test_a_stop_rule_that_does_not_match_does_not_stop():
    rules = [
        rule(
            "stopper",
            Action(ActionKind.add_tag, "x"),
            stop=True,
            conditions=[Condition("priority", Operator.eq, "urgent")],
        ),
        rule("next", Action(ActionKind.raise_tier)),
    ]
    assert evaluate(rules, Trigger.ticket_created, snapshot()).fired == ("next",)


def test_changes_made_by_a_rule_do_not_trigger_later_rules_in_the_same_pass():
    rules = [
        rule("make urgent", Action(ActionKind.set_priority, "urgent")),
        rule(
            "urgent to tier 3",
            Action(ActionKind.set_tier, 3),
            conditions=[Condition("priority", Operator.eq, "urgent")],
        ),
        rule(
            "tagged",
            Action(ActionKind.set_tier, 4),
            conditions=[Condition("tags", Operator.contains, "new-tag")],
        ),
        rule("tagger", Action(ActionKind.add_tag, "new-tag")),
    ]
    result = evaluate(rules, Trigger.ticket_created, snapshot())
    assert result.fired == ("make urgent", "tagger")
    assert result.tier == 1


def test_only_enabled_rules_of_the_event_run():
    rules = [
        rule("disabled", Action(ActionKind.raise_tier), enabled=False),
        rule("on reopen", Action(ActionKind.raise_tier), trigger=Trigger.ticket_reopened),
    ]
    assert evaluate(rules, Trigger.ticket_created, snapshot()).fired == ()
    assert evaluate(rules, Trigger.ticket_reopened, snapshot()).tier == 2


tier_actions = st.one_of(
    st.builds(Action, st.just(ActionKind.set_tier), st.integers(0, 4)),
    st.builds(Action, st.sampled_from([ActionKind.raise_tier, ActionKind.lower_tier])),
)
rule_sets = st.lists(
    st.builds(
        lambda actions, stop, trigger: rule("r", *actions, stop=stop, trigger=trigger),
        st.lists(tier_actions, min_size=1, max_size=5),
        st.booleans(),
        st.sampled_from(list(Trigger)),
    ),
    max_size=12,
)


@given(rule_sets, st.integers(0, 4), st.sampled_from(list(Trigger)))
def test_evaluation_never_leaves_the_ladder_and_is_deterministic(rules, tier, trigger):
    first = evaluate(rules, trigger, snapshot(tier=tier))
    assert 0 <= first.tier <= 4
    assert all(0 <= e.after <= 4 for e in first.effects)
    assert evaluate(rules, trigger, snapshot(tier=tier)) == first


def test_rules_read_as_words():
    from app.domain.rule_text import describe_rule

    described = describe_rule(
        rule(
            "r",
            Action(ActionKind.set_tier, 2),
            Action(ActionKind.assign_team, 5),
            Action(ActionKind.raise_tier),
            conditions=[
                Condition("account_tier", Operator.eq, "strategic"),
                Condition("priority", Operator.in_, ("high", "urgent")),
                Condition("reopen_count", Operator.gte, 2.0),
            ],
        ),
        names={5: "Expert"},
    )
    assert described == (
        "Account tier is strategic and Priority is one of high, urgent and Times reopened is at least 2",
        "Move to tier 2, Assign to team Expert, Raise one tier",
    )


def test_tier_and_id_actions_carry_ints_and_anything_else_is_refused():
    assert int_value(3) == 3
    for value in ("3", None):
        with pytest.raises(TypeError, match="expected a tier or an id"):
            int_value(value)


def test_every_trigger_reads_as_words_in_a_history_line():
    assert set(TRIGGER_EVENT_WORDS) == set(Trigger)
    for words in TRIGGER_EVENT_WORDS.values():
        assert "_" not in words and words == words.strip() and words
