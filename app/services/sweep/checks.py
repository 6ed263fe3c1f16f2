"""What the SLA sweep does to one due ticket: warn and breach its due clocks once each, fire the
SLA rules, raise a stale ticket one tier and tell whoever holds it. The same on the batch path
and the careful path; the batch (sweep.batch) says where the clocks come from and the rows go."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from app.domain.business_time import is_open, next_opening, twenty_four_seven
from app.domain.escalation import ActionKind, Evaluation, Rule, Trigger
from app.domain.sla_vocabulary import TARGET_LABELS, SlaEventKind, SlaTarget
from app.domain.tiers import MAX_TIER, tier_label
from app.domain.vocabulary import ActivityKind, TierChangeCause
from app.domain.webhooks import WebhookEvent
from app.extensions import db
from app.models import SlaEvent, SlaPolicy, Ticket, User
from app.services.common.history import record
from app.services.common.links import absolute_url_by_id
from app.services.common.outbox import queue_notification, recipients_for, summary_with_names, ticket_summary
from app.services.common.row_batch import add_row
from app.services.routing.assignment import only_teams_by_tier
from app.services.routing.ticket_change import TicketChange, finish_change, settle_queue
from app.services.routing.tier_moves import apply_tier_move
from app.services.rules.engine import fire_trigger
from app.services.sla import clock as sla_clock
from app.services.sla.clock_pass import Clock
from app.services.sla.policies import calendar_for
from app.services.sweep.batch import SweepBatch
from app.services.webhooks.events import emit

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

    def add(self, counts: SweepSummary) -> None:
        """Count a ticket's (or a batch's) warnings, breaches and raises once they are kept."""
        self.warned += counts.warned
        self.breached += counts.breached
        self.raised += counts.raised


@dataclass(slots=True)
class SweepPass:
    """What one sweep loads once: the rules it may fire and the policies it meets."""

    now: datetime
    rules: dict[Trigger, list[Rule]]
    policies: dict[int, SlaPolicy | None]
    people: dict[tuple[str, int | None], list[User]] = field(default_factory=dict)
    # The customer's and organization's names of the batch's tickets, for the notices.
    names: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    # Tier → its only internal team (read at the first raise): a raised ticket joins its queue.
    tier_teams: dict[int, int] | None = None
    # Policy id → until when its notices wait (None: its calendar is open now).
    holds: dict[int | None, datetime | None] = field(default_factory=dict)
    # A ticket's desk link from its id, the URL built once per sweep.
    desk_link: Callable[[int], str] = field(
        default_factory=lambda: absolute_url_by_id("desk.tickets.ticket", "ticket_id")
    )

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

    def hold_until(self, policy_id: int | None) -> datetime | None:
        """Until when a notice about a ticket under this policy waits: the next opening of its
        calendar, or None while it is open (worked out once per policy and sweep)."""
        if policy_id not in self.holds:
            policy = self.policy(policy_id)
            calendar = calendar_for(policy) if policy else twenty_four_seven()
            opened = is_open(calendar, self.now)
            self.holds[policy_id] = None if opened else next_opening(calendar, self.now)
        return self.holds[policy_id]

    def policy(self, policy_id: int | None) -> SlaPolicy | None:
        if policy_id is None:
            return None
        if policy_id not in self.policies:
            self.policies[policy_id] = db.session.get(SlaPolicy, policy_id)
        return self.policies[policy_id]


def check_ticket(ticket: Ticket, batch: SweepBatch, sweep: SweepPass, counts: SweepSummary) -> None:
    """Warn and breach the ticket's due clocks; its summary is refreshed once, at the end."""
    now = sweep.now
    change = batch.change(ticket, now)
    hold_until = sweep.hold_until(ticket.sla_policy_id)
    for clock in sla_clock.active_clocks(ticket, batch.clocks):
        if clock.satisfied_at is not None:
            continue  # an earlier breach in this pass moved the ticket and closed this clock
        if clock.breached_at is None and clock.due_at <= now:
            _breach(change, clock, batch, sweep, hold_until, counts)
        elif clock.warned_at is None and clock.breached_at is None and clock.warn_at <= now:
            _warn(change, clock, batch, sweep, hold_until)
            counts.warned += 1
    finish_change(change)


def _event(change: TicketChange, clock: Clock, kind: SlaEventKind) -> None:
    values = {
        "ticket_id": change.ticket.id,
        "clock_id": clock.id,
        "customer_id": change.ticket.customer_id,
        "target": clock.target,
        "kind": kind,
        "tier": clock.tier,
        "due_at": clock.due_at,
        "created_at": change.now,
    }
    add_row(SlaEvent, values, change.rows)


def _emit(event: WebhookEvent, change: TicketChange, clock: Clock) -> None:
    data = {"target": clock.target.value, "tier": clock.tier, "due_at": clock.due_at.isoformat()}
    emit(event, change.ticket, change.now, data, rows=change.rows)


def _words(clock: Clock) -> str:
    label = TARGET_LABELS[clock.target]
    return f"{label} at {tier_label(clock.tier)}" if clock.target is SlaTarget.tier_dwell else label


def _warn(
    change: TicketChange, clock: Clock, batch: SweepBatch, sweep: SweepPass, hold_until: datetime | None
) -> None:
    ticket, now = change.ticket, change.now
    words = _words(clock)
    clock.warned_at = now
    _event(change, clock, SlaEventKind.warning)
    record(
        ActivityKind.sla_warning,
        f"{ticket.reference}: {words} is due {clock.due_at:%Y-%m-%d %H:%M} UTC",
        now=now,
        ticket=ticket,
        data={"cause": "sla", "target": clock.target.value, "due_at": clock.due_at.isoformat()},
        rows=change.rows,
    )
    _emit(WebhookEvent.sla_warning, change, clock)
    _notify(change, f"SLA warning: {words} due soon", sweep, hold_until)
    _fire(change, Trigger.sla_warning, batch, sweep)


def _fire(change: TicketChange, trigger: Trigger, batch: SweepBatch, sweep: SweepPass) -> Evaluation | None:
    rules = sweep.rules[trigger]
    if not rules:
        return None
    # In a batch nothing may flush: the rules read the batch's snapshot, kept current in memory.
    snapshot = batch.snapshots.current(change.ticket) if batch.snapshots is not None else None
    return fire_trigger(change, trigger, rules, snapshot=snapshot)


def _breach(
    change: TicketChange,
    clock: Clock,
    batch: SweepBatch,
    sweep: SweepPass,
    hold_until: datetime | None,
    counts: SweepSummary,
) -> None:
    ticket, now = change.ticket, change.now
    words = _words(clock)
    clock.breached_at = now
    clock.warned_at = clock.warned_at or now
    _event(change, clock, SlaEventKind.breach)
    counts.breached += 1
    record(
        ActivityKind.sla_breached,
        f"{ticket.reference}: {words} missed (due {clock.due_at:%Y-%m-%d %H:%M} UTC)",
        now=now,
        ticket=ticket,
        data={
            "cause": "sla",
            "target": clock.target.value,
            "tier": clock.tier,
            "due_at": clock.due_at.isoformat(),
        },
        rows=change.rows,
    )
    _emit(WebhookEvent.sla_breached, change, clock)
    evaluation = _fire(change, Trigger.sla_breached, batch, sweep)
    moved_by_rule = evaluation is not None and any(e.kind in TIER_ACTIONS for e in evaluation.effects)
    if clock.target is not SlaTarget.tier_dwell or moved_by_rule:
        _notify(change, f"SLA breached: {words}", sweep, hold_until)
        return
    if ticket.tier >= MAX_TIER:
        _notify(change, f"SLA breached at tier 4: {words}; the vendor needs chasing", sweep, hold_until)
        return
    apply_tier_move(
        change,
        to_tier=ticket.tier + 1,
        cause=TierChangeCause.sla,
        reason=f"No progress within {clock.minutes} business minutes at {tier_label(clock.tier)}",
    )
    # Into the tier's team queue without an agent: the assign-waiting job deals it out.
    if ticket.team_id is None:
        ticket.team_id = sweep.tier_team(ticket.tier)
    counts.raised += 1
    _notify(change, f"Raised to {tier_label(ticket.tier)} after {words} was missed", sweep, hold_until)


def _notify(change: TicketChange, headline: str, sweep: SweepPass, hold_until: datetime | None) -> None:
    """Tell whoever holds the ticket (its assignee, else its team, else the admins); outside
    business hours the notice waits for the next opening."""
    settle_queue(change)  # a rule's move or team decides who holds it
    ticket = change.ticket
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
        rows=change.rows,
    )


def _summary(ticket: Ticket, sweep: SweepPass) -> str:
    names = sweep.names.get(ticket.id)
    return summary_with_names(ticket, *names, sweep.desk_link(ticket.id)) if names else ticket_summary(ticket)
