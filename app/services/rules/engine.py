"""Firing escalation rules on a ticket event and applying what they decide, inside the caller's
transaction, so a rule's changes commit (or roll back) together with the event that fired them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.domain.escalation import (
    ActionKind,
    Effect,
    Evaluation,
    Rule,
    Trigger,
    describe_effect,
    evaluate,
    int_value,
)
from app.domain.rule_fields import TicketSnapshot
from app.domain.rule_parsing import RuleDirectory, RuleInvalid, parse_rule
from app.domain.vocabulary import ActivityKind, Priority, TierChangeCause
from app.extensions import db
from app.models import EscalationRule, Team, Ticket, TicketTag, User
from app.services.common.history import defer, record
from app.services.common.outbox import queue_rule_notification
from app.services.routing.assignment import enter_team_queue
from app.services.routing.tier_moves import apply_tier_move
from app.services.rules.snapshots import snapshot_of
from app.services.sla import clock as sla_clock

# At run time a rule names teams and agents by id; whether they still exist is checked when the
# action is applied, so a deleted team skips that action instead of disabling the whole rule.
RUNTIME_DIRECTORY = RuleDirectory(check_targets=False)


def enabled_rules(trigger: Trigger | None = None) -> list[Rule]:
    """The enabled rules (for one trigger, or all) in evaluation order, parsed and checked."""
    query = select(EscalationRule).where(EscalationRule.enabled.is_(True))
    if trigger is not None:
        query = query.where(EscalationRule.trigger == trigger)
    rows = db.session.scalars(query.order_by(EscalationRule.position, EscalationRule.id))
    rules = []
    for row in rows:
        try:
            rules.append(parse_rule(row.as_data(), RUNTIME_DIRECTORY))
        except RuleInvalid:
            # Saved rules were checked on save; a rule that no longer parses is skipped.
            continue
    return rules


def fire_trigger(
    ticket: Ticket,
    trigger: Trigger,
    now: datetime,
    rules: list[Rule] | None = None,
    *,
    snapshot: TicketSnapshot | None = None,
) -> Evaluation | None:
    """Evaluate the enabled rules for this event once and apply their effects to the ticket.

    A caller that fires the same trigger on many tickets may pass the rules it loaded once, and
    the ticket's current snapshot (the SLA sweep's batch keeps them without flushing; see
    batch_snapshots); without one it is read after a flush."""
    rules = enabled_rules(trigger) if rules is None else rules
    if not rules:
        return None
    evaluation = evaluate(rules, trigger, snapshot or snapshot_of(ticket, now))
    for effect in evaluation.effects:
        _apply(ticket, effect, now, tags_known=snapshot is not None)
    for name in evaluation.fired:
        changes = [describe_effect(e) for e in evaluation.effects if e.rule_name == name]
        record(
            ActivityKind.rule_fired,
            f"Rule '{name}' fired on {ticket.reference} ({trigger.value})"
            + (f": {'; '.join(changes)}" if changes else ": nothing to change"),
            now=now,
            ticket=ticket,
            data={"rule": name, "trigger": trigger.value, "changes": changes},
        )
    return evaluation


def _apply(ticket: Ticket, effect: Effect, now: datetime, *, tags_known: bool) -> None:
    kind, rule_name = effect.kind, effect.rule_name
    data = {"cause": TierChangeCause.rule.value, "rule": rule_name}
    if kind in (ActionKind.set_tier, ActionKind.raise_tier, ActionKind.lower_tier):
        if ticket.tier != effect.after:
            apply_tier_move(
                ticket,
                to_tier=int_value(effect.after),
                cause=TierChangeCause.rule,
                reason=f"Rule '{rule_name}'",
                now=now,
                rule_name=rule_name,
            )
    elif kind is ActionKind.set_priority:
        old = ticket.priority
        ticket.priority = Priority(str(effect.after))
        sla_clock.on_priority_change(ticket, now)
        record(
            ActivityKind.priority_changed,
            f"{ticket.reference} priority {old.value} → {effect.after} (rule: {rule_name})",
            now=now,
            ticket=ticket,
            data={**data, "from": old.value, "to": effect.after},
        )
    elif kind is ActionKind.assign_team:
        _assign_team(ticket, int_value(effect.after), rule_name, now, data)
    elif kind is ActionKind.assign_agent:
        _assign_agent(ticket, int_value(effect.after), rule_name, now, data)
    elif kind is ActionKind.add_tag:
        # A caller's snapshot holds the ticket's current tags, and evaluate() made no effect for
        # a tag already there; a read here would only cost a query per ticket.
        if tags_known or db.session.get(TicketTag, (ticket.id, effect.after)) is None:
            values = {"ticket_id": ticket.id, "tag": str(effect.after), "created_at": now}
            if not defer(TicketTag, values):
                db.session.add(TicketTag(**values))
            record(
                ActivityKind.tag_added,
                f"{ticket.reference} tagged '{effect.after}' (rule: {rule_name})",
                now=now,
                ticket=ticket,
                data={**data, "tag": effect.after},
            )
    else:
        queue_rule_notification(ticket, str(effect.after), rule_name, now)
    ticket.updated_at = now


def _assign_team(ticket: Ticket, team_id: int, rule_name: str, now: datetime, data: dict) -> None:
    team = db.session.get(Team, team_id)
    if team is None:
        record(
            ActivityKind.rule_fired,
            f"Rule '{rule_name}' could not assign {ticket.reference}: team #{team_id} is gone",
            now=now,
            ticket=ticket,
            data={**data, "skipped": "assign_team"},
        )
        return
    ticket.team_id, ticket.team = team.id, team
    record(
        ActivityKind.ticket_assigned,
        f"{ticket.reference} assigned to team {team.name} (rule: {rule_name})",
        now=now,
        ticket=ticket,
        data={**data, "team_id": team.id},
    )
    enter_team_queue(ticket, now, team=team)  # an automatic team gives it to its next agent


def _assign_agent(ticket: Ticket, user_id: int, rule_name: str, now: datetime, data: dict) -> None:
    agent = db.session.get(User, user_id)
    if (
        agent is None
        or not agent.active
        or not agent.is_staff
        or (agent.as_actor().working_tier < ticket.tier)
    ):
        record(
            ActivityKind.rule_fired,
            f"Rule '{rule_name}' could not assign {ticket.reference} to agent #{user_id}: "
            "they are inactive or do not work this tier",
            now=now,
            ticket=ticket,
            data={**data, "skipped": "assign_agent"},
        )
        return
    # The relationship too: the notices and tier moves after this read who holds it from there.
    ticket.assignee_id, ticket.assignee = agent.id, agent
    record(
        ActivityKind.ticket_assigned,
        f"{ticket.reference} assigned to {agent.name} (rule: {rule_name})",
        now=now,
        ticket=ticket,
        data={**data, "assignee_id": agent.id},
    )
