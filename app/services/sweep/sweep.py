"""The SLA sweep: warn and breach what is due, once, and move stale tickets one tier up.

It reads only tickets whose indexed next-check time has passed, in batches. Each ticket is handled
in a savepoint: a ticket that another sweep or an agent changed meanwhile (unique event key,
optimistic version, or a row another sweep holds on PostgreSQL) is left for the next run, so
running twice, late, or in two processes at once gives the same result as running once on time.
What happens to each ticket is in sweep.checks; what a batch reads and writes in sweep.batch.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.database import writing
from app.domain.escalation import Trigger
from app.domain.sla_vocabulary import SlaEventKind
from app.extensions import db
from app.models import SlaEvent, Ticket
from app.models.types import utcnow
from app.services.relationship.risk_rechecks import mark_customers_due
from app.services.rules.engine import enabled_rules
from app.services.sweep.batch import SweepBatch
from app.services.sweep.batch_reads import due_batch, names_of, read_for_rules
from app.services.sweep.batch_writes import BatchCollision
from app.services.sweep.checks import SweepPass as _Pass
from app.services.sweep.checks import SweepSummary, check_ticket
from app.wal_checkpoints import one_checkpoint

log = logging.getLogger(__name__)
BATCH_SIZE = 2000
SWEEP_TRIGGERS = (Trigger.sla_warning, Trigger.sla_breached)


def sweep_sla(now: datetime | None = None, *, batch_size: int = BATCH_SIZE) -> SweepSummary:
    """Handle every ticket whose next SLA check is due at `now`. Each batch takes the write lock
    before it reads (SQLite), so requests writing meanwhile make it wait, not fail; the batches'
    commits leave the write-ahead log to one checkpoint at the end."""
    with one_checkpoint(), writing():
        return _sweep(now or utcnow(), batch_size)


def _sweep(now: datetime, batch_size: int) -> SweepSummary:
    summary = SweepSummary()
    sweep = _Pass(now, {t: enabled_rules(t) for t in SWEEP_TRIGGERS}, {})
    after = None
    while True:
        tickets = due_batch(now, after, batch_size)
        if not tickets:
            db.session.rollback()
            break
        last_check = tickets[-1].sla_next_check_at
        assert last_check is not None  # due_batch reads only tickets with a check due
        after = (last_check, tickets[-1].id)
        summary.checked += len(tickets)
        ids = [ticket.id for ticket in tickets]
        sweep.names = names_of(ids)
        if not _sweep_together(tickets, sweep, summary):
            tickets = [t for t in (db.session.get(Ticket, i) for i in ids) if t is not None]
            batch = SweepBatch.one_by_one(tickets, sweep.policy)
            for ticket in tickets:
                _sweep_one(ticket, batch, sweep, summary)
        try:
            db.session.commit()
        except (StaleDataError, IntegrityError, OperationalError) as error:
            db.session.rollback()
            summary.skipped += len(tickets)
            log.warning("SLA sweep skipped %d tickets, the next run takes them: %s", len(tickets), error)
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
    batch = SweepBatch.together(tickets, sweep.policy)
    savepoint = db.session.begin_nested()
    counts = SweepSummary()
    try:
        # Reads in this pass never need the batch's pending changes; a flush here would write
        # the tickets through the ORM and send the batch to the careful path.
        with db.session.no_autoflush:
            if any(sweep.rules.values()) and batch.rows is not None:
                batch.snapshots = read_for_rules(tickets, sweep.now, batch.rows)
            for ticket in tickets:
                check_ticket(ticket, batch, sweep, counts)
        batch.write()
    except (StaleDataError, IntegrityError, OperationalError, BatchCollision):
        savepoint.rollback()
        return False
    savepoint.commit()
    summary.add(counts)
    return True


def sweep_ticket(ticket: Ticket, now: datetime) -> SweepSummary:
    """Check one loaded ticket at `now` (without committing): what a sweep does to each."""
    summary = SweepSummary(checked=1)
    sweep = _Pass(now, {t: enabled_rules(t) for t in SWEEP_TRIGGERS}, {})
    _sweep_one(ticket, SweepBatch.one_by_one([ticket], sweep.policy), sweep, summary)
    return summary


def _sweep_one(ticket: Ticket, batch: SweepBatch, sweep: _Pass, summary: SweepSummary) -> None:
    """The careful path: one ticket in its own savepoint, skipped if it collides."""
    savepoint = db.session.begin_nested()
    counts = SweepSummary()
    try:
        check_ticket(ticket, batch, sweep, counts)
        db.session.flush()
    except (StaleDataError, IntegrityError, OperationalError):
        savepoint.rollback()
        summary.skipped += 1
        return
    savepoint.commit()
    summary.add(counts)
