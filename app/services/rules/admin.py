"""Admins managing escalation rules: create, edit, reorder, enable and disable, delete."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select

from app.domain.audit import AuditKind
from app.domain.errors import InvalidInput, NotFound
from app.domain.rule_parsing import RuleDirectory, parse_rule, rule_to_data
from app.domain.vocabulary import ActivityKind, Role
from app.extensions import db
from app.models import EscalationRule, Team, User
from app.models.types import utcnow
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.history import record
from app.services.common.setup_cache import RULES, bump_setup
from app.services.common.transaction import transaction


def rule_directory() -> RuleDirectory:
    """The teams and active staff that rule actions may name."""
    teams = {t.id: t.name for t in db.session.scalars(select(Team).order_by(Team.tier, Team.name))}
    staff = db.session.scalars(
        select(User).where(User.role.in_((Role.agent, Role.admin)), User.active.is_(True)).order_by(User.name)
    )
    return RuleDirectory(teams=teams, agents={u.id: u.name for u in staff})


def list_rules(actor: User) -> list[EscalationRule]:
    require_admin(actor)
    return list(
        db.session.scalars(select(EscalationRule).order_by(EscalationRule.position, EscalationRule.id))
    )


def get_rule(actor: User, rule_id: int) -> EscalationRule:
    require_admin(actor)
    rule = db.session.get(EscalationRule, rule_id)
    if rule is None:
        raise NotFound("No such rule.")
    return rule


def save_rule(
    actor: User, data: Mapping, *, rule_id: int | None = None, now: datetime | None = None
) -> EscalationRule:
    """Create or replace a rule; an invalid rule raises RuleInvalid and nothing is written."""
    now = now or utcnow()
    require_admin(actor)
    existing = get_rule(actor, rule_id) if rule_id is not None else None
    checked = parse_rule(data, rule_directory())
    clash = db.session.scalars(
        select(EscalationRule).where(func.lower(EscalationRule.name) == checked.name.lower())
    ).first()
    if clash is not None and clash is not existing:
        raise InvalidInput(f"A rule called '{checked.name}' exists already.", field="name")
    stored = rule_to_data(checked)
    with transaction():
        rule = existing or EscalationRule(created_at=now, position=_next_position())
        rule.name = checked.name
        rule.trigger = checked.trigger
        rule.conditions = stored["conditions"]
        rule.actions = stored["actions"]
        rule.stop = checked.stop
        rule.enabled = checked.enabled
        rule.notice_timing = checked.notice_timing
        rule.updated_at = now
        db.session.add(rule)
        db.session.flush()
        audit(
            AuditKind.rule_saved,
            f"{actor.name} {'changed' if existing else 'created'} rule '{rule.name}'",
            actor=actor,
            now=now,
            data={"rule_id": rule.id},
        )
        bump_setup(RULES)
        record(
            ActivityKind.rule_saved,
            f"{actor.name} {'changed' if existing else 'created'} rule '{rule.name}'",
            now=now,
            actor=actor,
            data={"rule_id": rule.id, "rule": stored},
        )
    return rule


def _next_position() -> int:
    return (db.session.scalar(select(func.max(EscalationRule.position))) or 0) + 1


def set_rule_enabled(
    actor: User, rule_id: int, enabled: bool, *, now: datetime | None = None
) -> EscalationRule:
    now = now or utcnow()
    with transaction():
        rule = get_rule(actor, rule_id)
        rule.enabled = enabled
        rule.updated_at = now
        audit(
            AuditKind.rule_enabled,
            f"{actor.name} {'enabled' if enabled else 'disabled'} rule '{rule.name}'",
            actor=actor,
            now=now,
            data={"rule_id": rule.id},
        )
        bump_setup(RULES)
        record(
            ActivityKind.rule_saved,
            f"{actor.name} {'enabled' if enabled else 'disabled'} rule '{rule.name}'",
            now=now,
            actor=actor,
            data={"rule_id": rule.id, "enabled": enabled},
        )
    return rule


def move_rule(actor: User, rule_id: int, direction: str, *, now: datetime | None = None) -> None:
    """Move a rule one place up or down in the evaluation order."""
    now = now or utcnow()
    if direction not in ("up", "down"):
        raise InvalidInput("A rule moves up or down.", field="direction")
    with transaction():
        rules = list_rules(actor)
        index = next((i for i, r in enumerate(rules) if r.id == rule_id), None)
        if index is None:
            raise NotFound("No such rule.")
        moved = rules[index]
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(rules):
            rules[index], rules[other] = rules[other], rules[index]
        for position, rule in enumerate(rules, start=1):
            if rule.position != position:
                rule.position = position
        audit(
            AuditKind.rule_moved, f"{actor.name} moved rule '{moved.name}' {direction}", actor=actor, now=now
        )
        bump_setup(RULES)
        record(
            ActivityKind.rules_reordered,
            f"{actor.name} moved rule '{moved.name}' {direction}",
            now=now,
            actor=actor,
            data={"order": [r.id for r in rules]},
        )


def delete_rule(actor: User, rule_id: int, *, now: datetime | None = None) -> None:
    now = now or utcnow()
    with transaction():
        rule = get_rule(actor, rule_id)
        audit(AuditKind.rule_deleted, f"{actor.name} deleted rule '{rule.name}'", actor=actor, now=now)
        record(
            ActivityKind.rule_deleted,
            f"{actor.name} deleted rule '{rule.name}'",
            now=now,
            actor=actor,
            data={"rule": rule.as_data()},
        )
        db.session.delete(rule)
        bump_setup(RULES)
