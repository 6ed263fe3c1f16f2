"""Rules in words, for the admin list and the dry-run report."""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.escalation import ACTION_LABELS, Action, ActionKind, Condition, Rule, int_value
from app.domain.rule_fields import FIELDS, OPERATOR_LABELS


def _value_words(value: object) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(str(v).replace("_", " ") for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("_", " ")


def describe_condition(condition: Condition) -> str:
    label = FIELDS[condition.field].label
    return f"{label} {OPERATOR_LABELS[condition.operator]} {_value_words(condition.value)}"


def describe_action(action: Action, names: Mapping[int, str] | None = None) -> str:
    label = ACTION_LABELS[action.kind]
    if action.value is None:
        return label
    if action.kind in (ActionKind.assign_team, ActionKind.assign_agent) and names:
        return f"{label} {names.get(int_value(action.value), f'#{action.value}')}"
    return f"{label} {_value_words(action.value)}"


def describe_rule(rule: Rule, names: Mapping[int, str] | None = None) -> tuple[str, str]:
    """('Account tier is strategic and Priority is urgent', 'Move to tier 2, Notify account manager')."""
    conditions = " and ".join(describe_condition(c) for c in rule.conditions) or "Always"
    actions = ", ".join(describe_action(a, names) for a in rule.actions)
    if any(a.kind is ActionKind.notify for a in rule.actions):
        actions += " (in business hours)" if rule.holds_notices else " (at once)"
    return conditions, actions
