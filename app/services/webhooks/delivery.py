"""Delivering the webhook outbox: claim a batch, post each event over kept-alive connections,
record every outcome in one transaction, pause a subscription that has failed for a day.

A batch is claimed by one conditional UPDATE (with FOR UPDATE SKIP LOCKED on PostgreSQL), so two
schedulers never hold the same row. No transaction is open while the requests are under way. A
run that dies after a post and before its outcome is stored posts that event again once the claim
runs out: receivers drop the repeat by its idempotency id."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, ScalarSelect, and_, bindparam, or_, select, update

from app.domain.webhooks import (
    EVENT_HEADER,
    ID_HEADER,
    SIGNATURE_HEADER,
    delivered,
    retry_delay,
    sign,
)
from app.extensions import db
from app.models import WebhookDelivery, WebhookSubscription
from app.models.types import UTCDateTime, utcnow
from app.services.webhooks.pausing import Target, pause_failing
from app.services.webhooks.transport import Answer, Sender

# A claim outlives a slow batch; after it a crashed sender's rows are taken up again.
CLAIM_FOR = timedelta(minutes=10)
_T = WebhookDelivery.__table__


@dataclass(frozen=True, slots=True)
class Pending:
    """A claimed delivery as the sender reads it: plain values."""

    id: int
    subscription_id: int
    event_id: str
    event_type: str
    payload: str
    attempts: int
    claim_token: str | None


@dataclass
class DeliveryCounts:
    delivered: int = 0
    retrying: int = 0
    deferred: int = 0
    paused: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts as the command and the job print them."""
        return {
            "delivered": self.delivered,
            "retrying": self.retrying,
            "deferred": self.deferred,
            "paused": self.paused,
        }


def _due(now: datetime) -> ColumnElement[bool]:
    active = select(WebhookSubscription.id).where(WebhookSubscription.active.is_(True))
    return and_(
        WebhookDelivery.delivered_at.is_(None),
        or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now),
        or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until <= now),
        WebhookDelivery.subscription_id.in_(active.scalar_subquery()),
    )


def claim_batch(now: datetime, limit: int) -> tuple[list[Pending], dict[int, Target]]:
    """Claim up to `limit` due deliveries of active subscriptions, oldest first, for this caller
    alone; with the subscriptions they go to."""
    token = secrets.token_hex(16)
    candidates = select(WebhookDelivery.id).where(_due(now)).order_by(WebhookDelivery.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        # Lock the batch first (rows another sender holds are skipped), then mark it ours.
        chosen: list[int] | ScalarSelect[int] = list(
            db.session.scalars(candidates.with_for_update(skip_locked=True, of=WebhookDelivery))
        )
    else:
        # SQLite: one statement, so the write lock is taken at once and the subquery runs once.
        chosen = candidates.correlate(None).scalar_subquery()
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(chosen), _due(now))
        .values(claim_token=token, claimed_until=now + CLAIM_FOR)
        .execution_options(synchronize_session=False)
    )
    rows = db.session.execute(
        select(
            WebhookDelivery.id,
            WebhookDelivery.subscription_id,
            WebhookDelivery.event_id,
            WebhookDelivery.event_type,
            WebhookDelivery.payload,
            WebhookDelivery.attempts,
            WebhookDelivery.claim_token,
        )
        .where(WebhookDelivery.claim_token == token)
        .order_by(WebhookDelivery.id)
    )
    batch = [Pending(*row) for row in rows]
    targets: dict[int, Target] = {}
    if batch:
        subscriptions = db.session.execute(
            select(
                WebhookSubscription.id,
                WebhookSubscription.url,
                WebhookSubscription.secret,
                WebhookSubscription.failing_since,
                WebhookSubscription.owner_id,
            ).where(WebhookSubscription.id.in_({p.subscription_id for p in batch}))
        )
        targets = {row[0]: Target(*row) for row in subscriptions}
    db.session.commit()
    return batch, targets


def deliver_webhooks(now: datetime | None = None, *, max_batches: int | None = None) -> DeliveryCounts:
    """Post every due delivery (`now` stands in for the clock in tests and the demo)."""
    counts = DeliveryCounts()
    size = current_app.config["WEBHOOK_BATCH_SIZE"]
    batches = 0
    # One sender for the whole run: its connections stay open from one batch to the next.
    with Sender(current_app.config["WEBHOOK_TIMEOUT_SECONDS"]) as sender:
        while max_batches is None or batches < max_batches:
            clock = now or utcnow()
            batch, targets = claim_batch(clock, size)
            if not batch:
                break
            _send_batch(sender, batch, targets, clock, counts)
            batches += 1
    return counts


def _send_batch(
    sender: Sender, batch: list[Pending], targets: dict[int, Target], now: datetime, counts: DeliveryCounts
) -> None:
    outcomes: list[dict[str, Any]] = []
    # A subscription that failed once in this batch is not tried again in it: its other rows
    # wait for the same retry time (a dead receiver costs one timeout per batch, not one per row).
    held: dict[int, datetime] = {}
    for pending in batch:
        target = targets[pending.subscription_id]
        if pending.subscription_id in held:
            outcomes.append(_deferred(pending, held[pending.subscription_id]))
            counts.deferred += 1
            continue
        answer = _post(sender, target, pending, now)
        outcome = _outcome(pending, answer, now)
        outcomes.append(outcome)
        if outcome["_delivered_at"] is not None:
            counts.delivered += 1
            target.succeeded = True
            target.failed_at = None
        else:
            counts.retrying += 1
            held[pending.subscription_id] = outcome["_next_attempt_at"]
            if target.failed_at is None:
                target.failed_at = now
    _store(outcomes)
    counts.paused += pause_failing(list(targets.values()), now)
    db.session.commit()


def _post(sender: Sender, target: Target, pending: Pending, now: datetime) -> Answer:
    body = pending.payload.encode()
    headers = {
        SIGNATURE_HEADER: sign(target.secret, int(now.timestamp()), body),
        ID_HEADER: pending.event_id,
        EVENT_HEADER: pending.event_type,
    }
    return sender.post(target.url, body, headers)


def _outcome(pending: Pending, answer: Answer, now: datetime) -> dict[str, Any]:
    attempts = pending.attempts + 1
    ok = delivered(answer.status)
    error = None if ok else answer.error or f"HTTP {answer.status}"
    return {
        "_id": pending.id,
        "_token": pending.claim_token,
        "_attempts": attempts,
        "_delivered_at": now if ok else None,
        "_next_attempt_at": None if ok else now + retry_delay(attempts),
        "_last_attempt_at": now,
        "_last_status": answer.status,
        "_last_response_ms": answer.milliseconds,
        "_last_error": error,
    }


def _deferred(pending: Pending, until: datetime) -> dict[str, Any]:
    """A row not tried in this batch: no attempt counted, nothing of its log changed."""
    return {"_id": pending.id, "_token": pending.claim_token, "_next_attempt_at": until}


_TIME = UTCDateTime()
_RECORD = (
    update(_T)
    .where(_T.c.id == bindparam("_id"), _T.c.claim_token == bindparam("_token"))
    .values(
        attempts=bindparam("_attempts"),
        delivered_at=bindparam("_delivered_at", type_=_TIME),
        next_attempt_at=bindparam("_next_attempt_at", type_=_TIME),
        last_attempt_at=bindparam("_last_attempt_at", type_=_TIME),
        last_status=bindparam("_last_status"),
        last_response_ms=bindparam("_last_response_ms"),
        last_error=bindparam("_last_error"),
        claim_token=None,
        claimed_until=None,
    )
)
_DEFER = (
    update(_T)
    .where(_T.c.id == bindparam("_id"), _T.c.claim_token == bindparam("_token"))
    .values(next_attempt_at=bindparam("_next_attempt_at", type_=_TIME), claim_token=None, claimed_until=None)
)


def _store(outcomes: list[dict[str, Any]]) -> None:
    """Every outcome of the batch in one executemany (a row whose claim ran out is left alone)."""
    tried = [o for o in outcomes if "_attempts" in o]
    deferred = [o for o in outcomes if "_attempts" not in o]
    if tried:
        db.session.execute(_RECORD, tried)
    if deferred:
        db.session.execute(_DEFER, deferred)
