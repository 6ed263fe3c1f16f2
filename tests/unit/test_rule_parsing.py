from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.escalation import ActionKind, Trigger
from app.domain.rule_fields import FIELDS, Operator
from app.domain.rule_parsing import RuleDirectory, RuleInvalid, parse_rule, rule_to_data

DIRECTORY = RuleDirectory(teams={3: "Expert"}, agents={8: "Ana"})


def data(**overrides) -> dict:
    values = {
        "name": "Strategic urgent to technical",
        "trigger": "ticket_created",
        "conditions": [
            {"field": "account_tier", "operator": "eq", "value": "strategic"},
            {"field": "priority", "operator": "in", "value": ["urgent", "high"]},
        ],
        "actions": [{"kind": "set_tier", "value": "2"}, {"kind": "assign_team", "value": 3}],
        "stop": True,
    }
    values.update(overrides)
    return values


def problems(**overrides) -> list[str]:
    with pytest.raises(RuleInvalid) as error:
        parse_rule(data(**overrides), DIRECTORY)
    return error.value.problems


def test_a_valid_rule_parses_and_round_trips():
    rule = parse_rule(data(), DIRECTORY)
    assert rule.trigger is Trigger.ticket_created and rule.stop
    assert rule.conditions[1].operator is Operator.in_
    assert rule.conditions[1].value == ("urgent", "high")
    assert [a.kind for a in rule.actions] == [ActionKind.set_tier, ActionKind.assign_team]
    assert rule.actions[0].value == 2
    assert parse_rule(rule_to_data(rule), DIRECTORY) == rule


def test_an_unknown_choice_names_the_condition_and_the_allowed_values():
    found = problems(
        conditions=[
            {"field": "priority", "operator": "eq", "value": "normal"},
            {"field": "account_tier", "operator": "eq", "value": "gold"},
        ]
    )
    assert found == [
        "condition 2: field 'account_tier' has no value 'gold'; "
        "expected one of strategic, named, field, inside"
    ]


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"field": "shoe_size", "operator": "eq", "value": 1}, "condition 1: unknown field 'shoe_size'"),
        (
            {"field": "lifetime_value", "operator": "contains", "value": "1"},
            "field 'lifetime_value' cannot use operator 'contains'",
        ),
        (
            {"field": "age_hours", "operator": "gte", "value": "soon"},
            "field 'age_hours' needs a number, got 'soon'",
        ),
        ({"field": "last_csat", "operator": "lte", "value": 9}, "'last_csat' must be between 1 and 5"),
        ({"field": "text", "operator": "matches", "value": "("}, "the pattern is refused"),
        ({"field": "text", "operator": "matches", "value": "(a+)+$"}, "repeat inside a repeat"),
        ({"field": "text", "operator": "contains", "value": "  "}, "give a value for 'text'"),
        ({"field": "tags", "operator": "contains", "value": "Not A Tag!"}, "a tag is 1–40"),
        ({"field": "priority", "operator": "in", "value": []}, "pick at least one value"),
        ("not an object", "expected an object"),
    ],
)
def test_malformed_conditions_are_refused_with_a_reason(condition, message):
    found = problems(conditions=[condition])
    assert len(found) == 1 and message in found[0]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ({"kind": "teleport"}, "action 1: unknown action 'teleport'"),
        ({"kind": "set_tier", "value": 5}, "the tier must be 0, 1, 2, 3 or 4, got '5'"),
        ({"kind": "set_tier", "value": "1.5"}, "the tier must be"),
        ({"kind": "set_priority", "value": "asap"}, "no priority 'asap'"),
        ({"kind": "assign_team", "value": 99}, "there is no team with id '99'"),
        ({"kind": "assign_agent", "value": "x"}, "there is no active agent with id 'x'"),
        ({"kind": "notify", "value": "everyone"}, "cannot notify 'everyone'"),
    ],
)
def test_malformed_actions_are_refused_with_a_reason(action, message):
    found = problems(actions=[action])
    assert len(found) == 1 and message in found[0]


def test_every_problem_is_reported_at_once():
    found = problems(name="", trigger="sometimes", actions=[])
    assert len(found) == 3
    assert any("unknown trigger 'sometimes'" in p for p in found)
    assert any("at least one action" in p for p in found)


def test_every_field_offers_operators():
    assert all(spec.operators for spec in FIELDS.values())


junk_keys = st.one_of(
    st.sampled_from(["name", "trigger", "conditions", "actions", "stop"]), st.text(max_size=10)
)


@given(
    st.dictionaries(junk_keys, st.one_of(st.text(max_size=10), st.integers(), st.lists(st.text(max_size=5))))
)
def test_any_junk_is_either_a_rule_or_a_refusal(junk):
    try:
        parse_rule(junk, DIRECTORY)
    except RuleInvalid as error:
        assert error.problems
