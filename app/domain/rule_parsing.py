"""Turning submitted rule data into a checked Rule, with a precise sentence for every problem."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.domain.errors import InvalidInput
from app.domain.escalation import (
    VALUELESS_ACTIONS,
    Action,
    ActionKind,
    ActionValue,
    Condition,
    NoticeTiming,
    NotifyTarget,
    Rule,
    Trigger,
)
from app.domain.rule_fields import FIELDS, FieldKind, FieldSpec, Operator
from app.domain.safe_regex import UnsafePattern, check_pattern
from app.domain.vocabulary import Priority

NAME_MAX_LENGTH = 120
MAX_CONDITIONS = 20
MAX_ACTIONS = 10
TEXT_VALUE_MAX_LENGTH = 200
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class RuleInvalid(InvalidInput):
    """A rule that cannot be saved; `problems` lists every reason, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems), field="rule")
        self.problems = problems


@dataclass(frozen=True, slots=True)
class RuleDirectory:
    """The teams and agents that rule actions may name, by id, with their names.

    check_targets=False accepts any id: at run time the service checks that the team or agent
    still exists when it applies the action.
    """

    teams: Mapping[int, str] = field(default_factory=dict)
    agents: Mapping[int, str] = field(default_factory=dict)
    check_targets: bool = True


def _one_of(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)


def _number(raw: object) -> float | None:
    if isinstance(raw, bool):
        return None
    try:
        number = float(str(raw).strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _choice_value(spec: FieldSpec, raw: object, where: str) -> str:
    value = str(raw or "").strip()
    if value not in spec.choices:
        raise ValueError(
            f"{where}: field '{spec.name}' has no value '{value}'; expected one of {_one_of(spec.choices)}"
        )
    return value


def _condition_value(spec: FieldSpec, operator: Operator, raw: object, where: str) -> object:
    if spec.kind is FieldKind.choice:
        if operator is Operator.in_:
            items = raw if isinstance(raw, list | tuple) else str(raw or "").split(",")
            values = tuple(_choice_value(spec, item, where) for item in items if str(item).strip())
            if not values:
                raise ValueError(f"{where}: pick at least one value for '{spec.name}'")
            return values
        return _choice_value(spec, raw, where)
    if spec.kind is FieldKind.number:
        number = _number(raw)
        if number is None:
            raise ValueError(f"{where}: field '{spec.name}' needs a number, got '{raw}'")
        low, high = spec.minimum, spec.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            raise ValueError(f"{where}: '{spec.name}' must be {bounds}, got {number:g}")
        return number
    text = str(raw or "").strip()
    if not text:
        raise ValueError(f"{where}: give a value for '{spec.name}'")
    if len(text) > TEXT_VALUE_MAX_LENGTH:
        raise ValueError(f"{where}: the value is longer than {TEXT_VALUE_MAX_LENGTH} characters")
    if spec.kind is FieldKind.tags:
        return _tag(text, where)
    if operator is Operator.matches:
        try:
            check_pattern(text)
        except UnsafePattern as error:
            raise ValueError(f"{where}: the pattern is refused: {error}") from None
    return text


def _tag(raw: str, where: str) -> str:
    tag = raw.strip().lower()
    if not TAG_PATTERN.match(tag):
        raise ValueError(f"{where}: a tag is 1–40 lowercase letters, digits, '-' or '_', got '{raw}'")
    return tag


def parse_condition(data: Mapping, where: str) -> Condition:
    name = str(data.get("field") or "").strip()
    spec = FIELDS.get(name)
    if spec is None:
        raise ValueError(f"{where}: unknown field '{name}'; expected one of {_one_of(FIELDS)}")
    operator_name = str(data.get("operator") or "").strip()
    allowed = spec.operators
    if operator_name not in {o.value for o in allowed}:
        raise ValueError(
            f"{where}: field '{name}' cannot use operator '{operator_name}'; "
            f"expected one of {_one_of(o.value for o in allowed)}"
        )
    operator = Operator(operator_name)
    return Condition(name, operator, _condition_value(spec, operator, data.get("value"), where))


def _action_value(kind: ActionKind, raw: object, where: str, directory: RuleDirectory) -> ActionValue:
    if kind in VALUELESS_ACTIONS:
        return None
    if kind is ActionKind.set_tier:
        number = _number(raw)
        if number is None or number != int(number) or not 0 <= number <= 4:
            raise ValueError(f"{where}: the tier must be 0, 1, 2, 3 or 4, got '{raw}'")
        return int(number)
    if kind is ActionKind.set_priority:
        value = str(raw or "").strip()
        if value not in {p.value for p in Priority}:
            raise ValueError(
                f"{where}: no priority '{value}'; expected one of {_one_of(p.value for p in Priority)}"
            )
        return value
    if kind in (ActionKind.assign_team, ActionKind.assign_agent):
        known = directory.teams if kind is ActionKind.assign_team else directory.agents
        what = "team" if kind is ActionKind.assign_team else "active agent"
        number = _number(raw)
        if number is None or number != int(number) or (directory.check_targets and int(number) not in known):
            raise ValueError(f"{where}: there is no {what} with id '{raw}'")
        return int(number)
    if kind is ActionKind.add_tag:
        return _tag(str(raw or ""), where)
    value = str(raw or "").strip()
    if value not in {t.value for t in NotifyTarget}:
        raise ValueError(
            f"{where}: cannot notify '{value}'; expected one of {_one_of(t.value for t in NotifyTarget)}"
        )
    return value


def parse_action(data: Mapping, where: str, directory: RuleDirectory) -> Action:
    name = str(data.get("kind") or "").strip()
    if name not in {k.value for k in ActionKind}:
        raise ValueError(
            f"{where}: unknown action '{name}'; expected one of {_one_of(k.value for k in ActionKind)}"
        )
    kind = ActionKind(name)
    return Action(kind, _action_value(kind, data.get("value"), where, directory))


def parse_rule(data: Mapping, directory: RuleDirectory | None = None) -> Rule:
    """A checked Rule from submitted data, or RuleInvalid listing every problem found."""
    directory = directory or RuleDirectory()
    problems: list[str] = []
    name = " ".join(str(data.get("name") or "").split())
    if not name or len(name) > NAME_MAX_LENGTH:
        problems.append(f"give the rule a name of at most {NAME_MAX_LENGTH} characters")
    trigger_name = str(data.get("trigger") or "").strip()
    if trigger_name not in {t.value for t in Trigger}:
        problems.append(
            f"unknown trigger '{trigger_name}'; expected one of {_one_of(t.value for t in Trigger)}"
        )
    raw_conditions = _sequence(data.get("conditions"))
    raw_actions = _sequence(data.get("actions"))
    if len(raw_conditions) > MAX_CONDITIONS:
        problems.append(f"a rule has at most {MAX_CONDITIONS} conditions")
    if not raw_actions:
        problems.append("a rule needs at least one action")
    if len(raw_actions) > MAX_ACTIONS:
        problems.append(f"a rule has at most {MAX_ACTIONS} actions")
    conditions: list[Condition] = []
    actions: list[Action] = []
    for number, raw in enumerate(raw_conditions, start=1):
        try:
            conditions.append(parse_condition(_mapping(raw), f"condition {number}"))
        except ValueError as error:
            problems.append(str(error))
    for number, raw in enumerate(raw_actions, start=1):
        try:
            actions.append(parse_action(_mapping(raw), f"action {number}", directory))
        except ValueError as error:
            problems.append(str(error))
    timing = str(data.get("notice_timing") or NoticeTiming.immediately.value)
    if timing not in {t.value for t in NoticeTiming}:
        problems.append(
            f"unknown notice timing '{timing}'; expected one of {_one_of(t.value for t in NoticeTiming)}"
        )
    if problems:
        raise RuleInvalid(problems)
    return Rule(
        name=name,
        trigger=Trigger(trigger_name),
        conditions=tuple(conditions),
        actions=tuple(actions),
        stop=bool(data.get("stop")),
        enabled=bool(data.get("enabled", True)),
        position=int(_number(data.get("position")) or 0),
        notice_timing=NoticeTiming(timing),
    )


def _sequence(raw: object) -> list:
    if raw is None or raw == "":
        return []
    return list(raw) if isinstance(raw, list | tuple) else [raw]


def _mapping(raw: object) -> Mapping:
    if not isinstance(raw, Mapping):
        raise ValueError(f"expected an object with keys, got '{raw}'")
    return raw


def rule_to_data(rule: Rule) -> dict:
    """The JSON-ready form of a rule, as stored and as parse_rule reads it back."""

    def plain(value: object) -> object:
        return list(value) if isinstance(value, tuple) else value

    return {
        "name": rule.name,
        "trigger": rule.trigger.value,
        "conditions": [
            {"field": c.field, "operator": c.operator.value, "value": plain(c.value)} for c in rule.conditions
        ],
        "actions": [{"kind": a.kind.value, "value": a.value} for a in rule.actions],
        "stop": rule.stop,
        "enabled": rule.enabled,
        "position": rule.position,
        "notice_timing": rule.notice_timing.value,
    }
