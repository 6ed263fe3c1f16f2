"""Firing escalation rules on a ticket event and applying what they decide, inside the caller's
transaction, so a rule's changes commit (or roll back) together with the event that fired them."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.escalation import (
    TRIGGER_EVENT_WORDS,
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
from app.models import EscalationRule, Team, TicketTag, User
from app.services.common.history import record
from app.services.common.outbox import queue_rule_notification
from app.services.common.row_batch import add_row
from app.services.common.setup_cache import RULES, cached_setup
from app.services.routing.ticket_change import TicketChange, settle_queue
from app.services.routing.tier_moves import apply_tier_move
from app.services.rules.snapshots import snapshot_of
from app.services.sla import clock as sla_clock
from app.services.sla.quiet_hours import notice_hold

# At run time a rule names teams and agents by id; whether they still exist is checked when the
# action is applied, so a deleted team skips that action instead of disabling the whole rule.
RUNTIME_DIRECTORY = RuleDirectory(check_targets=False)


def enabled_rules(trigger: Trigger | None = None) -> list[Rule]:
    """The enabled rules (for one trigger, or all) in evaluation order, parsed and checked: this
    process's copy, read again after any rule edit (see common.setup_cache)."""
    rules = cached_setup(RULES, _load_enabled_rules)
    return [rule for rule in rules if trigger is None or rule.trigger is trigger]


def _load_enabled_rules() -> tuple[Rule, ...]:
    query = select(EscalationRule).where(EscalationRule.enabled.is_(True))
    rows = db.session.scalars(query.order_by(EscalationRule.position, EscalationRule.id))
    rules = []
    for row in rows:
        try:
            rules.append(parse_rule(row.as_data(), RUNTIME_DIRECTORY))
        except RuleInvalid:
            # Saved rules were checked on save; a rule that no longer parses is skipped.
            continue
    return tuple(rules)


def fire_trigger(
    change: TicketChange,
    trigger: Trigger,
    rules: list[Rule] | None = None,
    *,
    snapshot: TicketSnapshot | None = None,
) -> Evaluation | None:
    """Evaluate the enabled rules for this event once and apply their effects to the changing
    ticket; a team they choose is asked of the change, whose end enters the queue once.

    A caller that fires the same trigger on many tickets may pass the rules it loaded once, and
    the ticket's current snapshot (the SLA sweep's batch keeps them without flushing; see
    sweep.rule_snapshots); without one it is read after a flush."""
    ticket, now = change.ticket, change.now
    rules = enabled_rules(trigger) if rules is None else rules
    if not rules:
        return None
    evaluation = evaluate(rules, trigger, snapshot or snapshot_of(ticket, now))
    holding = {rule.name for rule in rules if rule.holds_notices}
    for effect in evaluation.effects:
        _apply(change, effect, held=effect.rule_name in holding)
    for name in evaluation.fired:
        changes = [describe_effect(e) for e in evaluation.effects if e.rule_name == name]
        record(
            ActivityKind.rule_fired,
            f"Rule '{name}' fired on {ticket.reference} ({TRIGGER_EVENT_WORDS[trigger]})"
            + (f": {'; '.join(changes)}" if changes else ": nothing to change"),
            now=now,
            ticket=ticket,
            data={"rule": name, "trigger": trigger.value, "changes": changes},
            rows=change.rows,
        )
    return evaluation


def _apply(change: TicketChange, effect: Effect, *, held: bool) -> None:
    ticket, now, rows = change.ticket, change.now, change.rows
    kind, rule_name = effect.kind, effect.rule_name
    data = {"cause": TierChangeCause.rule.value, "rule": rule_name}
    if kind in (ActionKind.set_tier, ActionKind.raise_tier, ActionKind.lower_tier):
        if ticket.tier != effect.after:
            apply_tier_move(
                change,
                to_tier=int_value(effect.after),
                cause=TierChangeCause.rule,
                reason=f"Rule '{rule_name}'",
                rule_name=rule_name,
            )
            change.enter_queue()  # the new tier's team
    elif kind is ActionKind.set_priority:
        old = ticket.priority
        ticket.priority = Priority(str(effect.after))
        sla_clock.on_priority_change(ticket, now, change.clocks)
        record(
            ActivityKind.priority_changed,
            f"{ticket.reference} priority {old.value} → {effect.after} (rule: {rule_name})",
            now=now,
            ticket=ticket,
            data={**data, "from": old.value, "to": effect.after},
            rows=rows,
        )
    elif kind is ActionKind.assign_team:
        _assign_team(change, int_value(effect.after), rule_name, data)
    elif kind is ActionKind.assign_agent:
        _assign_agent(change, int_value(effect.after), rule_name, data)
    elif kind is ActionKind.add_tag:
        # The snapshot holds the ticket's current tags (a caller's, or one read after a flush of
        # the tags added so far), and evaluate() made no effect for a tag already there.
        add_row(TicketTag, {"ticket_id": ticket.id, "tag": str(effect.after), "created_at": now}, rows)
        record(
            ActivityKind.tag_added,
            f"{ticket.reference} tagged '{effect.after}' (rule: {rule_name})",
            now=now,
            ticket=ticket,
            data={**data, "tag": effect.after},
            rows=rows,
        )
    else:
        settle_queue(change)  # the notice goes to whoever holds the ticket after this pass's moves
        # A notice held for business hours waits for the ticket's calendar to open.
        hold = notice_hold(ticket, now, change.clocks) if held else None
        queue_rule_notification(ticket, str(effect.after), rule_name, now, rows, not_before=hold)
    ticket.updated_at = now


def _assign_team(change: TicketChange, team_id: int, rule_name: str, data: dict) -> None:
    ticket, now = change.ticket, change.now
    team = db.session.get(Team, team_id)
    if team is None:
        record(
            ActivityKind.rule_fired,
            f"Rule '{rule_name}' could not assign {ticket.reference}: team #{team_id} is gone",
            now=now,
            ticket=ticket,
            data={**data, "skipped": "assign_team"},
            rows=change.rows,
        )
        return
    ticket.team_id, ticket.team = team.id, team
    record(
        ActivityKind.ticket_assigned,
        f"{ticket.reference} assigned to team {team.name} (rule: {rule_name})",
        now=now,
        ticket=ticket,
        data={**data, "team_id": team.id},
        rows=change.rows,
    )
    change.enter_queue(team)  # an automatic team gives it to its next agent


def _assign_agent(change: TicketChange, user_id: int, rule_name: str, data: dict) -> None:
    ticket, now = change.ticket, change.now
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
            rows=change.rows,
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
        rows=change.rows,
    )
