"""Escalation rules: when (trigger) + if (all conditions) → then (actions), with an optional stop.

Evaluation is one pass per event over the enabled rules in order. Every condition reads the
snapshot taken before the pass, so a change made by one rule never makes another rule fire in
the same pass; actions compose in order on a working copy of the ticket's routing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from app.domain.rule_fields import Operator, TicketSnapshot
from app.domain.rule_predicates import predicate
from app.domain.tiers import MAX_TIER, MIN_TIER


class Trigger(StrEnum):
    ticket_created = "ticket_created"
    customer_replied = "customer_replied"
    ticket_reopened = "ticket_reopened"
    sla_warning = "sla_warning"
    sla_breached = "sla_breached"
    csat_received = "csat_received"


class ActionKind(StrEnum):
    set_tier = "set_tier"
    raise_tier = "raise_tier"
    lower_tier = "lower_tier"
    set_priority = "set_priority"
    assign_team = "assign_team"
    assign_agent = "assign_agent"
    add_tag = "add_tag"
    notify = "notify"


class NotifyTarget(StrEnum):
    account_manager = "account_manager"
    assignee = "assignee"
    team = "team"
    admins = "admins"


class NoticeTiming(StrEnum):
    """When a rule's notices go out: at once, or held to the next business hour."""

    immediately = "immediately"
    business_hours = "business_hours"


NOTICE_TIMING_LABELS = {
    NoticeTiming.immediately: "At once, day or night",
    NoticeTiming.business_hours: "In business hours (held until the next opening)",
}
# Notices caused by the SLA wait for business hours whatever the rule says: a clock counting
# business time has nothing to say to anyone outside it.
SLA_TRIGGERS = frozenset({Trigger.sla_warning, Trigger.sla_breached})

TRIGGER_LABELS = {
    Trigger.ticket_created: "A ticket is created",
    Trigger.customer_replied: "The customer replies",
    Trigger.ticket_reopened: "A ticket is reopened",
    Trigger.sla_warning: "An SLA target is about to be missed",
    Trigger.sla_breached: "An SLA target was missed",
    Trigger.csat_received: "The customer rates the outcome",
}

# The event in a few words, for history lines: "Rule 'X' fired on TD-1 (SLA breached)".
TRIGGER_EVENT_WORDS = {
    Trigger.ticket_created: "ticket opened",
    Trigger.customer_replied: "customer replied",
    Trigger.ticket_reopened: "ticket reopened",
    Trigger.sla_warning: "SLA warning",
    Trigger.sla_breached: "SLA breached",
    Trigger.csat_received: "rating received",
}

ACTION_LABELS = {
    ActionKind.set_tier: "Move to tier",
    ActionKind.raise_tier: "Raise one tier",
    ActionKind.lower_tier: "Lower one tier",
    ActionKind.set_priority: "Set priority",
    ActionKind.assign_team: "Assign to team",
    ActionKind.assign_agent: "Assign to agent",
    ActionKind.add_tag: "Add tag",
    ActionKind.notify: "Notify",
}

# What an action carries: a tier, team or agent id; a priority, tag or notify target; or nothing.
ActionValue: TypeAlias = int | str | None

# Actions that take no value.
VALUELESS_ACTIONS = frozenset({ActionKind.raise_tier, ActionKind.lower_tier})


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    operator: Operator
    value: object  # str, float, tuple[str, ...] or a checked pattern
    # The condition compiled to a predicate once, so evaluating many tickets stays cheap (the
    # module's name for field() because this class has a field called `field`).
    test: Callable[[TicketSnapshot], bool] = dataclasses.field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", predicate(self.field, self.operator, self.value))


@dataclass(frozen=True, slots=True)
class Action:
    kind: ActionKind
    value: ActionValue = None


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    trigger: Trigger
    conditions: tuple[Condition, ...]
    actions: tuple[Action, ...]
    stop: bool = False
    enabled: bool = True
    position: int = 0
    notice_timing: NoticeTiming = NoticeTiming.immediately

    @property
    def holds_notices(self) -> bool:
        """Whether this rule's notices wait for business hours (always so on an SLA trigger)."""
        return self.trigger in SLA_TRIGGERS or self.notice_timing is NoticeTiming.business_hours


@dataclass(frozen=True, slots=True)
class Effect:
    """One change a rule made (or would make): before and after, for the timeline."""

    rule_name: str
    kind: ActionKind
    before: ActionValue
    after: ActionValue


@dataclass(frozen=True, slots=True)
class Evaluation:
    fired: tuple[str, ...]
    effects: tuple[Effect, ...]
    tier: int
    priority: str
    team_id: int | None
    assignee_id: int | None
    tags: frozenset[str]

    @property
    def changed(self) -> bool:
        return bool(self.effects)


@dataclass(slots=True)
class _Routing:
    tier: int
    priority: str
    team_id: int | None
    assignee_id: int | None
    tags: set[str] = dataclasses.field(default_factory=set)


def condition_holds(condition: Condition, snapshot: TicketSnapshot) -> bool:
    """Whether one condition holds; an unknown fact (None) never satisfies a condition."""
    return condition.test(snapshot)


def rule_applies(rule: Rule, trigger: Trigger, snapshot: TicketSnapshot) -> bool:
    if not rule.enabled or rule.trigger != trigger:
        return False
    for condition in rule.conditions:  # noqa: SIM110 - a plain loop is faster on this hot path
        if not condition.test(snapshot):
            return False
    return True


def int_value(value: ActionValue) -> int:
    """The tier or id a tier, team or agent action carries (parsing stores these as int)."""
    if not isinstance(value, int):
        raise TypeError(f"expected a tier or an id, got {value!r}")
    return value


def _apply(action: Action, routing: _Routing, rule_name: str) -> Effect | None:
    """Apply one action to the working routing; None when it changes nothing."""
    kind = action.kind
    if kind in (ActionKind.set_tier, ActionKind.raise_tier, ActionKind.lower_tier):
        tier = routing.tier
        if kind is ActionKind.set_tier:
            target = int_value(action.value)
        else:
            target = tier + (1 if kind is ActionKind.raise_tier else -1)
        routing.tier = max(MIN_TIER, min(MAX_TIER, target))
        return Effect(rule_name, kind, tier, routing.tier) if routing.tier != tier else None
    if kind is ActionKind.set_priority:
        priority = routing.priority
        routing.priority = str(action.value)
        return Effect(rule_name, kind, priority, routing.priority) if priority != action.value else None
    if kind is ActionKind.assign_team:
        team_id = routing.team_id
        routing.team_id = int_value(action.value)
        return Effect(rule_name, kind, team_id, routing.team_id) if team_id != routing.team_id else None
    if kind is ActionKind.assign_agent:
        assignee_id = routing.assignee_id
        routing.assignee_id = int_value(action.value)
        changed = assignee_id != routing.assignee_id
        return Effect(rule_name, kind, assignee_id, routing.assignee_id) if changed else None
    if kind is ActionKind.add_tag:
        if action.value in routing.tags:
            return None
        routing.tags.add(str(action.value))
        return Effect(rule_name, kind, None, action.value)
    # notify always produces a notification: telling someone is the change.
    return Effect(rule_name, kind, None, action.value)


def evaluate(rules: Sequence[Rule], trigger: Trigger, snapshot: TicketSnapshot) -> Evaluation:
    """Run the rules for one event against the snapshot; pure and deterministic."""
    routing = _Routing(
        tier=snapshot.tier,
        priority=snapshot.priority,
        team_id=snapshot.team_id,
        assignee_id=snapshot.assignee_id,
        tags=set(snapshot.tags),
    )
    fired: list[str] = []
    effects: list[Effect] = []
    for rule in rules:
        if not rule_applies(rule, trigger, snapshot):
            continue
        fired.append(rule.name)
        for action in rule.actions:
            effect = _apply(action, routing, rule.name)
            if effect is not None:
                effects.append(effect)
        if rule.stop:
            break
    return Evaluation(
        fired=tuple(fired),
        effects=tuple(effects),
        tier=routing.tier,
        priority=routing.priority,
        team_id=routing.team_id,
        assignee_id=routing.assignee_id,
        tags=frozenset(routing.tags),
    )


def describe_effect(effect: Effect) -> str:
    """A short phrase for a change, for timelines and dry-run tables."""
    kind = effect.kind
    if kind in (ActionKind.set_tier, ActionKind.raise_tier, ActionKind.lower_tier):
        return f"tier {effect.before} → {effect.after}"
    if kind is ActionKind.set_priority:
        return f"priority {effect.before} → {effect.after}"
    if kind is ActionKind.assign_team:
        return f"team → #{effect.after}"
    if kind is ActionKind.assign_agent:
        return f"assignee → #{effect.after}"
    if kind is ActionKind.add_tag:
        return f"tag '{effect.after}'"
    return f"notify {effect.after}"
