"""Dry-running a rule set over past tickets: what would have fired and changed, writing nothing."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import select

from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput
from app.domain.escalation import Effect, Rule, Trigger, evaluate
from app.domain.rule_parsing import RuleDirectory, RuleInvalid, parse_rule
from app.extensions import db
from app.models import EscalationRule, Ticket, User
from app.models.types import utcnow
from app.services.common.access import require_admin
from app.services.rules.admin import rule_directory
from app.services.rules.snapshots import iter_snapshots, snapshot_query

MAX_DAYS = 366
SHOWN_TICKETS = 200


@dataclass(slots=True)
class RuleTotals:
    name: str
    fired: int = 0
    changes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TicketOutcome:
    ticket_id: int
    reference: str
    subject: str
    fired: tuple[str, ...]
    effects: tuple[Effect, ...]


@dataclass(slots=True)
class DryRunReport:
    trigger: Trigger
    days: int
    examined: int = 0
    matched: int = 0
    totals: dict[str, RuleTotals] = field(default_factory=dict)
    outcomes: list[TicketOutcome] = field(default_factory=list)
    seconds: float = 0.0


def dry_run(
    actor: User,
    rules: Sequence[Rule],
    *,
    trigger: str = Trigger.ticket_created,
    days: int = 30,
    now: datetime | None = None,
    shown: int = SHOWN_TICKETS,
) -> DryRunReport:
    """Evaluate the rules for one event on every ticket created in the last `days`, as the tickets
    stand now. Only reads; the session is rolled back at the end so nothing can be written."""
    require_admin(actor)
    return run_rules_over_window(rules, trigger=trigger, days=days, now=now, shown=shown)


def run_rules_over_window(
    rules: Sequence[Rule],
    *,
    trigger: str = Trigger.ticket_created,
    days: int = 30,
    now: datetime | None = None,
    shown: int = SHOWN_TICKETS,
) -> DryRunReport:
    """The dry-run itself, for callers that have checked who asks (the CLI, benchmarks)."""
    now = now or utcnow()
    event = parse_choice(Trigger, trigger, "trigger")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"Days must be between 1 and {MAX_DAYS}.", field="days")
    started = time.perf_counter()
    report = DryRunReport(trigger=event, days=days)
    report.totals = {rule.name: RuleTotals(rule.name) for rule in rules}
    query = snapshot_query().where(Ticket.created_at >= now - timedelta(days=days))
    query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
    try:
        for snapshot in iter_snapshots(query, now):
            report.examined += 1
            result = evaluate(rules, event, snapshot)
            if not result.fired:
                continue
            report.matched += 1
            for name in result.fired:
                report.totals[name].fired += 1
            for effect in result.effects:
                changes = report.totals[effect.rule_name].changes
                changes[effect.kind.value] = changes.get(effect.kind.value, 0) + 1
            if len(report.outcomes) < shown:
                report.outcomes.append(
                    TicketOutcome(snapshot.ticket_id, "", snapshot.subject, result.fired, result.effects)
                )
        _fill_references(report)
    finally:
        db.session.rollback()
    report.seconds = time.perf_counter() - started
    return report


def _fill_references(report: DryRunReport) -> None:
    ids = [o.ticket_id for o in report.outcomes]
    if not ids:
        return
    rows = dict(db.session.execute(select(Ticket.id, Ticket.reference).where(Ticket.id.in_(ids))).all())
    report.outcomes = [
        TicketOutcome(o.ticket_id, rows.get(o.ticket_id) or f"#{o.ticket_id}", o.subject, o.fired, o.effects)
        for o in report.outcomes
    ]


def dry_run_draft(
    actor: User,
    data: Mapping,
    *,
    replacing_id: int | None = None,
    days: int = 30,
    now: datetime | None = None,
) -> DryRunReport:
    """Dry-run the saved rule set with a rule being edited (not saved) in its place, or added last.

    The draft runs even when it is disabled: seeing what it would do is the point.
    """
    require_admin(actor)
    draft = replace(parse_rule(data, rule_directory()), enabled=True)
    rows = db.session.scalars(select(EscalationRule).order_by(EscalationRule.position, EscalationRule.id))
    rules: list[Rule] = []
    placed = False
    for row in rows:
        if row.id == replacing_id:
            rules.append(draft)
            placed = True
        elif row.enabled:
            rules.append(parse_rule(row.as_data(), RuleDirectory(check_targets=False)))
    if not placed:
        rules.append(draft)
    return run_rules_over_window(rules, trigger=draft.trigger, days=days, now=now)


def dry_run_saved(actor: User, *, trigger: str, days: int, now: datetime | None = None) -> DryRunReport:
    """Dry-run the enabled rule set as saved, for one event over the last `days`."""
    require_admin(actor)
    rows = db.session.scalars(
        select(EscalationRule)
        .where(EscalationRule.enabled.is_(True))
        .order_by(EscalationRule.position, EscalationRule.id)
    )
    rules = []
    for row in rows:
        try:
            rules.append(parse_rule(row.as_data(), RuleDirectory(check_targets=False)))
        except RuleInvalid:  # as the engine does: a saved rule that no longer parses is skipped
            continue
    return dry_run(actor, rules, trigger=trigger, days=days, now=now)


PREVIEW_NAME = "(the rule being edited)"
PREVIEW_SHOWN = 20


@dataclass(frozen=True, slots=True)
class Preview:
    """Which recent tickets a rule's trigger and conditions match, on its own."""

    trigger: Trigger
    days: int
    examined: int
    matched: int
    tickets: list[TicketOutcome]


def preview_matches(
    actor: User, data: Mapping, *, days: int = 30, now: datetime | None = None, shown: int = PREVIEW_SHOWN
) -> Preview:
    """The recent tickets a rule being typed would match (its actions need not be chosen yet, nor
    its name); only reads."""
    require_admin(actor)
    draft_data = {**data, "name": str(data.get("name") or "").strip() or PREVIEW_NAME}
    if not draft_data.get("actions"):
        draft_data["actions"] = [{"kind": "raise_tier"}]  # matching reads only trigger and conditions
    draft = replace(parse_rule(draft_data, rule_directory()), enabled=True, stop=False)
    report = run_rules_over_window([draft], trigger=draft.trigger, days=days, now=now, shown=shown)
    return Preview(draft.trigger, days, report.examined, report.matched, report.outcomes)
