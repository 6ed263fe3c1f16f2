"""A policy edit's adoption of the waiting tickets, in batches the scheduler works through.

Saving a policy records the work (an SlaAdoption row: when it was saved and how many active
tickets then waited without a policy) and returns; when only a few wait (`SLA_ADOPTION_INLINE`)
the save adopts them itself. The scheduler's `sla-adoption` job then takes the tickets in id order,
a batch (`SLA_ADOPTION_BATCH`) per transaction, each batch by the set-based path of sla.adoption
with the policy matrix in force at that batch and the clocks starting at the save's time. The
batch's writes and the row's cursor commit together, so a crash or restart resumes after the last
committed batch and no ticket is done twice. The row is locked for the batch (PostgreSQL; on
SQLite the batch holds the write lock), so two schedulers never take the same batch. A later edit
finishes the unfinished row as superseded and starts again from the first ticket with its own
time: what it finds waiting is adopted under the final setup, as one-by-one adoption at that edit
would have done.

Between batches the job rests as long as the batch took, so the other writers (portal, mail, API,
sweep) get their turns. The sweep needs nothing more: an adopted ticket has its next check stored
(perhaps already past), and every sweep reads all tickets whose check is due.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from app.domain.vocabulary import ACTIVE_STATUSES
from app.extensions import db
from app.models import SlaAdoption, Ticket, User
from app.models.types import utcnow
from app.services.common.access import require_admin
from app.services.common.indexed_by import IndexedTable
from app.services.common.transaction import transaction
from app.services.sla.adoption import Span, adopt_waiting
from app.wal_checkpoints import one_checkpoint


@dataclass(slots=True)
class AdoptionRun:
    """What one run of the job did."""

    batches: int = 0
    checked: int = 0
    adopted: int = 0
    finished: bool = False

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


# The tickets without a policy, read from their partial index alone: SQLite has no statistics for
# it until an analysis and would walk ix_tickets_status_created and every active ticket's row.
_WITHOUT_POLICY = IndexedTable(Ticket.__table__, "ix_tickets_without_policy")
_WAITING = (_WITHOUT_POLICY.c.sla_policy_id.is_(None), _WITHOUT_POLICY.c.status.in_(ACTIVE_STATUSES))


def _waiting_count() -> int:
    """Active tickets without a policy."""
    return db.session.scalar(select(func.count()).select_from(_WITHOUT_POLICY).where(*_WAITING)) or 0


def request_adoption(now: datetime, inline_limit: int) -> SlaAdoption:
    """In a policy edit's transaction: supersede unfinished work and record this edit's; with at
    most `inline_limit` tickets waiting, adopt them here and now."""
    db.session.execute(
        update(SlaAdoption).where(SlaAdoption.finished_at.is_(None)).values(finished_at=now, superseded=True)
    )
    row = SlaAdoption(
        since=now,
        waiting=_waiting_count(),
        after_ticket_id=0,
        checked=0,
        adopted=0,
        batches=0,
        superseded=False,
    )
    if row.waiting <= inline_limit:
        row.adopted = adopt_waiting(now) if row.waiting else 0
        row.checked, row.batches, row.finished_at = row.waiting, int(row.waiting > 0), now
    db.session.add(row)
    db.session.flush()
    return row


def _work_in_hand() -> SlaAdoption | None:
    query = (
        select(SlaAdoption)
        .where(SlaAdoption.finished_at.is_(None))
        .order_by(SlaAdoption.id.desc())
        .limit(1)
        .with_for_update()
    )
    return db.session.scalars(query).first()


def adopt_next_batch(size: int) -> AdoptionRun | None:
    """Adopt the next `size` waiting tickets of the work in hand, in one transaction; None when
    there is no work."""
    with transaction():
        row = _work_in_hand()
        if row is None:
            return None
        ids = list(
            db.session.scalars(
                select(_WITHOUT_POLICY.c.id)
                .where(*_WAITING, _WITHOUT_POLICY.c.id > row.after_ticket_id)
                .order_by(_WITHOUT_POLICY.c.id)
                .limit(size)
            )
        )
        done = AdoptionRun(batches=1, checked=len(ids))
        if ids:
            done.adopted = adopt_waiting(row.since, Span(row.after_ticket_id, ids[-1]))
            row.after_ticket_id = ids[-1]
            row.checked += done.checked
            row.adopted += done.adopted
            row.batches += 1
        if len(ids) < size:
            row.finished_at = utcnow()
            done.finished = True
        return done


def adopt_pending(size: int, *, budget_seconds: float = 30.0, rest: bool = True) -> AdoptionRun:
    """The scheduler's job: batches until the work is done or the budget is spent, resting after
    each as long as it took (when `rest`); the next run goes on from there."""
    run = AdoptionRun()
    started = time.perf_counter()
    with one_checkpoint():
        while True:
            began = time.perf_counter()
            batch = adopt_next_batch(size)
            if batch is None:
                run.finished = True
                break
            run.batches += batch.batches
            run.checked += batch.checked
            run.adopted += batch.adopted
            if batch.finished:
                run.finished = True
                break
            took = time.perf_counter() - began
            if time.perf_counter() - started + took > budget_seconds:
                break
            if rest:
                time.sleep(took)
    return run


@dataclass(frozen=True, slots=True)
class AdoptionProgress:
    """The latest edit's adoption, as the admin's page shows it."""

    since: datetime
    waiting: int
    checked: int
    adopted: int
    finished: bool


def adoption_progress(actor: User) -> AdoptionProgress | None:
    """The latest policy edit's adoption (None before any edit)."""
    require_admin(actor)
    row = db.session.scalars(select(SlaAdoption).order_by(SlaAdoption.id.desc()).limit(1)).first()
    if row is None:
        return None
    return AdoptionProgress(
        since=row.since,
        waiting=row.waiting,
        checked=min(row.checked, row.waiting) if row.finished_at is None else row.checked,
        adopted=row.adopted,
        finished=row.finished_at is not None,
    )
