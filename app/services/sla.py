"""The SLA sweep: warn and breach what is due, once, and move stale tickets one tier up.

It reads only tickets whose indexed next-check time has passed, in batches. Each ticket is handled
in a savepoint: a ticket that another sweep or an agent changed meanwhile (unique event key,
optimistic version, or a row another sweep holds on PostgreSQL) is left for the next run, so
running twice, late, or in two processes at once gives the same result as running once on time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.domain.business_time import is_open, next_opening
from app.domain.escalation import ActionKind, Trigger
from app.domain.sla_vocabulary import TARGET_LABELS, SlaEventKind, SlaTarget
from app.domain.tiers import MAX_TIER, tier_label
from app.domain.vocabulary import ActivityKind, TierChangeCause
from app.extensions import db
from app.models import SlaClock, SlaEvent, SlaPolicy, Ticket
from app.models.types import utcnow
from app.services import sla_clock
from app.services.history import record
from app.services.notifications import queue_notification, ticket_summary
from app.services.rule_engine import fire_trigger
from app.services.tier_moves import apply_tier_move

BATCH_SIZE = 500
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


def sweep_sla(now: datetime | None = None, *, batch_size: int = BATCH_SIZE) -> SweepSummary:
    """Handle every ticket whose next SLA check is due at `now`."""
    now = now or utcnow()
    summary = SweepSummary()
    last_id = 0
    while True:
        query = (
            select(Ticket)
            .where(Ticket.sla_next_check_at <= now, Ticket.id > last_id)
            .order_by(Ticket.id)
            .limit(batch_size)
        )
        if db.engine.dialect.name == "postgresql":
            # Rows another sweep is working on are skipped, not waited for.
            query = query.with_for_update(skip_locked=True, of=Ticket)
        tickets = list(db.session.scalars(query))
        if not tickets:
            db.session.rollback()
            break
        for ticket in tickets:
            summary.checked += 1
            _sweep_one(ticket, now, summary)
        last_id = tickets[-1].id
        try:
            db.session.commit()
        except (StaleDataError, IntegrityError, OperationalError):
            db.session.rollback()
            summary.skipped += len(tickets)
        if len(tickets) < batch_size:
            break
    return summary


def _sweep_one(ticket: Ticket, now: datetime, summary: SweepSummary) -> None:
    savepoint = db.session.begin_nested()
    counts = SweepSummary()
    try:
        _check(ticket, now, counts)
        db.session.flush()
    except (StaleDataError, IntegrityError, OperationalError):
        savepoint.rollback()
        summary.skipped += 1
        return
    savepoint.commit()
    summary.warned += counts.warned
    summary.breached += counts.breached
    summary.raised += counts.raised


def _check(ticket: Ticket, now: datetime, counts: SweepSummary) -> None:
    policy = db.session.get(SlaPolicy, ticket.sla_policy_id) if ticket.sla_policy_id else None
    calendar = sla_clock.calendar_of(policy.calendar if policy else None)
    hold_until = None if is_open(calendar, now) else next_opening(calendar, now)
    for clock in sla_clock.active_clocks(ticket):
        if clock.satisfied_at is not None:
            continue  # an earlier breach in this pass moved the ticket and closed this clock
        if clock.breached_at is None and clock.due_at <= now:
            _breach(ticket, clock, now, hold_until, counts)
        elif clock.warned_at is None and clock.breached_at is None and clock.warn_at <= now:
            _warn(ticket, clock, now, hold_until)
            counts.warned += 1
    sla_clock.refresh(ticket, now)


def _event(ticket: Ticket, clock: SlaClock, kind: SlaEventKind, now: datetime) -> None:
    db.session.add(SlaEvent(ticket_id=ticket.id, clock_id=clock.id, customer_id=ticket.customer_id,
                            target=clock.target, kind=kind, tier=clock.tier, due_at=clock.due_at,
                            created_at=now))


def _words(clock: SlaClock) -> str:
    label = TARGET_LABELS[clock.target]
    return f"{label} at {tier_label(clock.tier)}" if clock.target is SlaTarget.tier_dwell else label


def _warn(ticket: Ticket, clock: SlaClock, now: datetime, hold_until: datetime | None) -> None:
    clock.warned_at = now
    _event(ticket, clock, SlaEventKind.warning, now)
    record(ActivityKind.sla_warning,
           f"{ticket.reference}: {_words(clock)} is due {clock.due_at:%Y-%m-%d %H:%M} UTC",
           now=now, ticket=ticket,
           data={"cause": "sla", "target": clock.target.value, "due_at": clock.due_at.isoformat()})
    _notify(ticket, f"SLA warning: {_words(clock)} due soon", now, hold_until)
    fire_trigger(ticket, Trigger.sla_warning, now)


def _breach(ticket: Ticket, clock: SlaClock, now: datetime, hold_until: datetime | None,
            counts: SweepSummary) -> None:
    clock.breached_at = now
    clock.warned_at = clock.warned_at or now
    _event(ticket, clock, SlaEventKind.breach, now)
    counts.breached += 1
    record(ActivityKind.sla_breached,
           f"{ticket.reference}: {_words(clock)} missed (due {clock.due_at:%Y-%m-%d %H:%M} UTC)",
           now=now, ticket=ticket,
           data={"cause": "sla", "target": clock.target.value, "tier": clock.tier,
                 "due_at": clock.due_at.isoformat()})
    evaluation = fire_trigger(ticket, Trigger.sla_breached, now)
    moved_by_rule = evaluation is not None and any(e.kind in TIER_ACTIONS for e in evaluation.effects)
    if clock.target is not SlaTarget.tier_dwell or moved_by_rule:
        _notify(ticket, f"SLA breached: {_words(clock)}", now, hold_until)
        return
    if ticket.tier >= MAX_TIER:
        _notify(ticket, f"SLA breached at tier 4: {_words(clock)}; the vendor needs chasing",
                now, hold_until)
        return
    apply_tier_move(
        ticket, to_tier=ticket.tier + 1, cause=TierChangeCause.sla, now=now,
        reason=f"No progress within {clock.minutes} business minutes at {tier_label(clock.tier)}",
    )
    counts.raised += 1
    _notify(ticket, f"Raised to {tier_label(ticket.tier)} after {_words(clock)} was missed",
            now, hold_until)


def _notify(ticket: Ticket, headline: str, now: datetime, hold_until: datetime | None) -> None:
    """Tell whoever holds the ticket (its assignee, else its team, else the admins); outside
    business hours the notice waits for the next opening."""
    target = "assignee" if ticket.assignee_id else "team" if ticket.team_id else "admins"
    queue_notification(ticket, target, now=now, not_before=hold_until,
                       subject=f"[{ticket.reference}] {headline}",
                       body=f"{headline}.\n\n{ticket_summary(ticket)}")
