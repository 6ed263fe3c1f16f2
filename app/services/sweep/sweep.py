"""The SLA sweep: warn and breach what is due, once, and move stale tickets one tier up.

It reads only tickets whose indexed next-check time has passed, in batches. Each ticket is handled
in a savepoint: a ticket that another sweep or an agent changed meanwhile (unique event key,
optimistic version, or a row another sweep holds on PostgreSQL) is left for the next run, so
running twice, late, or in two processes at once gives the same result as running once on time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.domain.business_time import is_open, next_opening, twenty_four_seven
from app.domain.escalation import ActionKind, Evaluation, Rule, Trigger
from app.domain.sla_vocabulary import TARGET_LABELS, SlaEventKind, SlaTarget
from app.domain.tiers import MAX_TIER, tier_label
from app.domain.vocabulary import ActivityKind, TierChangeCause
from app.extensions import db
from app.models import SlaClock, SlaEvent, SlaPolicy, Ticket, User
from app.models.types import utcnow
from app.services.common.history import defer, deferred_history, record, write_deferred
from app.services.common.outbox import (
    queue_notification,
    recipients_for,
    summary_with_names,
    ticket_summary,
)
from app.services.relationship.risk_rechecks import mark_customers_due
from app.services.routing.assignment import only_teams_by_tier
from app.services.routing.tier_moves import apply_tier_move
from app.services.rules.engine import enabled_rules, fire_trigger
from app.services.sla import clock as sla_clock
from app.services.sla.policies import calendar_for
from app.services.sweep.batch_reads import due_batch, names_of, preload_clocks, read_for_rules, release
from app.services.sweep.batch_writes import BatchCollision, write_batch

if TYPE_CHECKING:
    from app.services.sweep.rule_snapshots import BatchSnapshots

BATCH_SIZE = 2000
TIER_ACTIONS = (ActionKind.set_tier, ActionKind.raise_tier, ActionKind.lower_tier)


@dataclass(slots=True)
class SweepSummary:
    checked: int = 0
    warned: int = 0
    breached: int = 0
    raised: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(slots=True)
class _Pass:
    """What one sweep loads once: the rules it may fire and the policies it meets."""

    now: datetime
    rules: dict[Trigger, list[Rule]]
    policies: dict[int, SlaPolicy]
    people: dict[tuple[str, int | None], list[User]] = field(default_factory=dict)
    # The customer's and organization's names of the batch's tickets, for the notices.
    names: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    # The batch path's rule snapshots (read only when there are rules to fire).
    snapshots: BatchSnapshots | None = None
    # Tier → its only internal team (read at the first raise): a raised ticket joins its queue.
    tier_teams: dict[int, int] | None = None

    def recipients(self, ticket: Ticket, target: str) -> list[User]:
        """Team members and admins, looked up once per sweep (the assignee is on the ticket)."""
        if target == "assignee":
            return recipients_for(ticket, target)
        key = (target, ticket.team_id if target == "team" else None)
        if key not in self.people:
            self.people[key] = recipients_for(ticket, target)
        return self.people[key]

    def tier_team(self, tier: int) -> int | None:
        if self.tier_teams is None:
            self.tier_teams = only_teams_by_tier()
        return self.tier_teams.get(tier)

    def policy(self, policy_id: int | None) -> SlaPolicy | None:
        if policy_id is None:
            return None
        if policy_id not in self.policies:
            self.policies[policy_id] = db.session.get(SlaPolicy, policy_id)
        return self.policies[policy_id]


def sweep_sla(now: datetime | None = None, *, batch_size: int = BATCH_SIZE) -> SweepSummary:
    """Handle every ticket whose next SLA check is due at `now`."""
    now = now or utcnow()
    summary = SweepSummary()
    sweep = _Pass(now, {t: enabled_rules(t) for t in (Trigger.sla_warning, Trigger.sla_breached)}, {})
    after = None
    while True:
        tickets = due_batch(now, after, batch_size)
        if not tickets:
            db.session.rollback()
            break
        after = (tickets[-1].sla_next_check_at, tickets[-1].id)
        summary.checked += len(tickets)
        ids = [ticket.id for ticket in tickets]
        sweep.names = names_of(ids)
        if not _sweep_together(tickets, sweep, summary):
            tickets = [t for t in (db.session.get(Ticket, i) for i in ids) if t is not None]
            preload_clocks(tickets, sweep.policy, as_rows=False)
            for ticket in tickets:
                _sweep_one(ticket, sweep, summary)
        try:
            db.session.commit()
        except (StaleDataError, IntegrityError, OperationalError):
            db.session.rollback()
            summary.skipped += len(tickets)
        if len(tickets) < batch_size:
            break
    if summary.breached:
        _mark_breached_customers(now)
    return summary


def _mark_breached_customers(now: datetime) -> None:
    """This pass's breaches lower their customers' health: the risk refresh ranks those
    customers' tickets again on its next run, outside the sweep's batches."""
    customers = db.session.scalars(
        select(SlaEvent.customer_id)
        .where(SlaEvent.kind == SlaEventKind.breach, SlaEvent.created_at == now)
        .distinct()
    )
    mark_customers_due(customers, now)
    db.session.commit()


def _sweep_together(tickets: list[Ticket], sweep: _Pass, summary: SweepSummary) -> bool:
    """The fast path: the whole batch in one savepoint and one flush. False (and nothing kept)
    when any ticket collides with another sweep or an agent; the caller then goes one by one."""
    clocks = preload_clocks(tickets, sweep.policy, as_rows=True)
    versions = {ticket.id: ticket.version for ticket in tickets}
    savepoint = db.session.begin_nested()
    counts = SweepSummary()
    try:
        # Reads in this pass never need the batch's pending changes; a flush here would write
        # the tickets through the ORM and send the batch to the careful path.
        with deferred_history() as events, db.session.no_autoflush:
            if any(sweep.rules.values()):
                sweep.snapshots = read_for_rules(tickets, sweep.now, events)
            for ticket in tickets:
                _check(ticket, sweep, counts)
        write_batch(tickets, versions, clocks)
        db.session.flush()
        # The breach and warning rows go in with the rest; their unique key still guards them.
        write_deferred(events)
    except (StaleDataError, IntegrityError, OperationalError, BatchCollision):
        savepoint.rollback()
        return False
    finally:
        sweep.snapshots = None
        for ticket in tickets:
            release(ticket)
    savepoint.commit()
    summary.warned += counts.warned
    summary.breached += counts.breached
    summary.raised += counts.raised
    return True


def sweep_ticket(ticket: Ticket, now: datetime) -> SweepSummary:
    """Check one loaded ticket at `now` (without committing): what a sweep does to each."""
    summary = SweepSummary(checked=1)
    rules = {t: enabled_rules(t) for t in (Trigger.sla_warning, Trigger.sla_breached)}
    _sweep_one(ticket, _Pass(now, rules, {}), summary)
    return summary


def _sweep_one(ticket: Ticket, sweep: _Pass, summary: SweepSummary) -> None:
    """The careful path: one ticket in its own savepoint, skipped if it collides."""
    savepoint = db.session.begin_nested()
    counts = SweepSummary()
    try:
        _check(ticket, sweep, counts)
        db.session.flush()
    except (StaleDataError, IntegrityError, OperationalError):
        savepoint.rollback()
        summary.skipped += 1
        return
    finally:
        release(ticket)
    savepoint.commit()
    summary.warned += counts.warned
    summary.breached += counts.breached
    summary.raised += counts.raised


def _check(ticket: Ticket, sweep: _Pass, counts: SweepSummary) -> None:
    now = sweep.now
    policy = sweep.policy(ticket.sla_policy_id)
    calendar = calendar_for(policy) if policy else twenty_four_seven()
    hold_until = None if is_open(calendar, now) else next_opening(calendar, now)
    with sla_clock.refresh_once(ticket, now):
        for clock in sla_clock.active_clocks(ticket):
            if clock.satisfied_at is not None:
                continue  # an earlier breach in this pass moved the ticket and closed this clock
            if clock.breached_at is None and clock.due_at <= now:
                _breach(ticket, clock, sweep, hold_until, counts)
            elif clock.warned_at is None and clock.breached_at is None and clock.warn_at <= now:
                _warn(ticket, clock, sweep, hold_until)
                counts.warned += 1


def _event(ticket: Ticket, clock: SlaClock, kind: SlaEventKind, sweep: _Pass) -> None:
    values = {
        "ticket_id": ticket.id,
        "clock_id": clock.id,
        "customer_id": ticket.customer_id,
        "target": clock.target,
        "kind": kind,
        "tier": clock.tier,
        "due_at": clock.due_at,
        "created_at": sweep.now,
    }
    if not defer(SlaEvent, values):
        db.session.add(SlaEvent(**values))


def _words(clock: SlaClock) -> str:
    label = TARGET_LABELS[clock.target]
    return f"{label} at {tier_label(clock.tier)}" if clock.target is SlaTarget.tier_dwell else label


def _warn(ticket: Ticket, clock: SlaClock, sweep: _Pass, hold_until: datetime | None) -> None:
    now = sweep.now
    clock.warned_at = now
    _event(ticket, clock, SlaEventKind.warning, sweep)
    record(
        ActivityKind.sla_warning,
        f"{ticket.reference}: {_words(clock)} is due {clock.due_at:%Y-%m-%d %H:%M} UTC",
        now=now,
        ticket=ticket,
        data={"cause": "sla", "target": clock.target.value, "due_at": clock.due_at.isoformat()},
    )
    _notify(ticket, f"SLA warning: {_words(clock)} due soon", sweep, hold_until)
    _fire(ticket, Trigger.sla_warning, sweep)


def _fire(ticket: Ticket, trigger: Trigger, sweep: _Pass) -> Evaluation | None:
    rules = sweep.rules[trigger]
    if not rules:
        return None
    # In a batch nothing may flush: the rules read the batch's snapshot, kept current in memory.
    snapshot = sweep.snapshots.current(ticket) if sweep.snapshots is not None else None
    return fire_trigger(ticket, trigger, sweep.now, rules, snapshot=snapshot)


def _breach(
    ticket: Ticket, clock: SlaClock, sweep: _Pass, hold_until: datetime | None, counts: SweepSummary
) -> None:
    now = sweep.now
    clock.breached_at = now
    clock.warned_at = clock.warned_at or now
    _event(ticket, clock, SlaEventKind.breach, sweep)
    counts.breached += 1
    record(
        ActivityKind.sla_breached,
        f"{ticket.reference}: {_words(clock)} missed (due {clock.due_at:%Y-%m-%d %H:%M} UTC)",
        now=now,
        ticket=ticket,
        data={
            "cause": "sla",
            "target": clock.target.value,
            "tier": clock.tier,
            "due_at": clock.due_at.isoformat(),
        },
    )
    evaluation = _fire(ticket, Trigger.sla_breached, sweep)
    moved_by_rule = evaluation is not None and any(e.kind in TIER_ACTIONS for e in evaluation.effects)
    if clock.target is not SlaTarget.tier_dwell or moved_by_rule:
        _notify(ticket, f"SLA breached: {_words(clock)}", sweep, hold_until)
        return
    if ticket.tier >= MAX_TIER:
        _notify(
            ticket, f"SLA breached at tier 4: {_words(clock)}; the vendor needs chasing", sweep, hold_until
        )
        return
    apply_tier_move(
        ticket,
        to_tier=ticket.tier + 1,
        cause=TierChangeCause.sla,
        now=now,
        reason=f"No progress within {clock.minutes} business minutes at {tier_label(clock.tier)}",
        enter_team=False,
    )
    # Into the tier's team queue without an agent: the assign-waiting job deals it out.
    if ticket.team_id is None:
        ticket.team_id = sweep.tier_team(ticket.tier)
    counts.raised += 1
    _notify(
        ticket, f"Raised to {tier_label(ticket.tier)} after {_words(clock)} was missed", sweep, hold_until
    )


def _notify(ticket: Ticket, headline: str, sweep: _Pass, hold_until: datetime | None) -> None:
    """Tell whoever holds the ticket (its assignee, else its team, else the admins); outside
    business hours the notice waits for the next opening."""
    target = "assignee" if ticket.assignee_id else "team" if ticket.team_id else "admins"
    queue_notification(
        ticket,
        target,
        now=sweep.now,
        not_before=hold_until,
        recipients=sweep.recipients(ticket, target),
        kind="sla",
        subject=f"[{ticket.reference}] {headline}",
        body=f"{headline}.\n\n{_summary(ticket, sweep)}",
    )


def _summary(ticket: Ticket, sweep: _Pass) -> str:
    names = sweep.names.get(ticket.id)
    return summary_with_names(ticket, *names) if names else ticket_summary(ticket)
