"""Delivering the outbox: claim a batch, send it over one connection, record each outcome.

A batch is claimed by one conditional UPDATE (with FOR UPDATE SKIP LOCKED on PostgreSQL), so two
schedulers, or a job and a retry, never hold the same row. Sent rows are marked in groups of up
to MARK_EVERY, each group in one statement and one commit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, ScalarSelect, and_, bindparam, insert, or_, select, update

from app.domain.mail_delivery import retry_delay, should_give_up
from app.extensions import db
from app.models import MailId, MailMute, Notification, Ticket, User
from app.models.types import utcnow
from app.services.common.access import require_admin
from app.services.common.rows import rows_matched
from app.services.mail.compose import OutboxRow, build_mail, our_message_id, sender_address
from app.services.mail.transport import DeliveryError, Transport, open_transport

# A claim outlives a slow batch; after it a crashed sender's rows are taken up again.
CLAIM_FOR = timedelta(minutes=10)
# Sent rows are marked in groups: one statement and one commit for up to this many messages. A
# crash before the write sends at most these again, once the claim has run out.
MARK_EVERY = 50
# The columns the sender reads, in the order of OutboxRow's fields.
_OUTBOX_COLUMNS = [Notification.__table__.c[field.name] for field in fields(OutboxRow)]


_NOTIFICATIONS = Notification.__table__
# A sent (or muted) row, by its id and the claim that holds it; executed for many rows at once.
_MARK = (
    update(_NOTIFICATIONS)
    .where(_NOTIFICATIONS.c.id == bindparam("row_id"), _NOTIFICATIONS.c.claim_token == bindparam("token"))
    .values(
        sent_at=bindparam("done_at"),
        mail_message_id=bindparam("sent_id"),
        failure=bindparam("why"),
        claim_token=None,
        claimed_until=None,
    )
)


@dataclass
class DeliveryCounts:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    muted: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts as the command and the job print them."""
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed, "muted": self.muted}


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        Notification.sent_at.is_(None),
        Notification.failed_at.is_(None),
        or_(Notification.not_before.is_(None), Notification.not_before <= now),
        or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
        or_(Notification.claimed_until.is_(None), Notification.claimed_until <= now),
    )


def claim_batch(now: datetime, limit: int) -> list[OutboxRow]:
    """Claim up to `limit` due rows, oldest first, for this caller alone."""
    token = secrets.token_hex(16)
    candidates = select(Notification.id).where(_due(now)).order_by(Notification.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        # Lock the batch first (rows another sender holds are skipped), then mark it ours.
        chosen: list[int] | ScalarSelect[int] = list(
            db.session.scalars(candidates.with_for_update(skip_locked=True))
        )
    else:
        # SQLite: one statement, so the write lock is taken at once and the subquery runs once.
        chosen = candidates.correlate(None).scalar_subquery()
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_(chosen), _due(now))
        .values(claim_token=token, claimed_until=now + CLAIM_FOR)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    # Plain values, not ORM objects: the per-message commits below then expire nothing.
    rows = db.session.execute(
        select(*_OUTBOX_COLUMNS).where(Notification.claim_token == token).order_by(Notification.id)
    )
    return [OutboxRow(*row) for row in rows]


def deliver_outbox(now: datetime | None = None, *, max_batches: int | None = None) -> DeliveryCounts:
    """Send every due outbox row (held SLA notices wait for their not_before)."""
    counts = DeliveryCounts()
    size = current_app.config["MAIL_BATCH_SIZE"]
    batches = 0
    while max_batches is None or batches < max_batches:
        batch = claim_batch(now or utcnow(), size)
        if not batch:
            break
        _send_batch(batch, counts)
        batches += 1
    return counts


@dataclass
class _Marks:
    """Outcomes not yet written: rows sent (or muted) and the Message-IDs to store, written
    together every MARK_EVERY messages and at the end of the batch."""

    rows: list[dict[str, object]] = field(default_factory=list)
    ids: list[dict[str, object]] = field(default_factory=list)

    def write(self) -> None:
        if self.rows:
            db.session.execute(_MARK, self.rows)
        if self.ids:
            db.session.execute(insert(MailId.__table__), self.ids)
        db.session.commit()
        self.rows, self.ids = [], []


def _send_batch(batch: list[OutboxRow], counts: DeliveryCounts) -> None:
    tickets = _references([n.ticket_id for n in batch if n.ticket_id])
    threads = _thread_ids([n.ticket_id for n in batch if n.ticket_id])
    muted = _muted([n.recipient_user_id for n in batch if n.recipient_user_id])
    # No transaction stays open while the relay is talked to: run by the scheduler (inside
    # `writing()`), these reads took SQLite's write lock, which every writer would wait for.
    db.session.commit()
    transport = open_transport()
    marks = _Marks()
    try:
        for notification in batch:
            if (notification.recipient_user_id, notification.kind) in muted:
                marks.rows.append(_mark(notification, utcnow(), None, "muted by the recipient"))
                counts.muted += 1
            else:
                _send_one(transport, notification, tickets, threads, counts, marks)
            if len(marks.rows) >= MARK_EVERY:
                marks.write()
    finally:
        try:
            marks.write()
        finally:
            transport.close()


def _send_one(
    transport: Transport,
    notification: OutboxRow,
    tickets: dict[int, str | None],
    threads: dict[int, list[tuple[str, bool, str | None]]],
    counts: DeliveryCounts,
    marks: _Marks,
) -> None:
    reference = tickets.get(notification.ticket_id) if notification.ticket_id else None
    thread = threads.setdefault(notification.ticket_id, []) if notification.ticket_id else []
    # The ticket's earlier mail this recipient saw: ours to them, and mail that came in.
    message_id = our_message_id(notification.id)
    sent_before = any(mid == message_id for mid, _, _ in thread)  # a bounced message sent again
    earlier = [
        mid
        for mid, outbound, address in thread
        if (not outbound or address == notification.recipient_email) and mid != message_id
    ]
    try:
        if not notification.recipient_email:
            raise DeliveryError("no recipient address", permanent=True)
        try:
            mail = build_mail(notification, reference, earlier, message_id)
        except ValueError as error:
            raise DeliveryError(str(error), permanent=True) from error
        transport.send(mail, sender_address(), [notification.recipient_email])
    except DeliveryError as error:
        _failed_attempt(notification, error, counts)
        return
    now = utcnow()
    if notification.ticket_id and not sent_before:
        marks.ids.append(
            {
                "message_id": message_id,
                "ticket_id": notification.ticket_id,
                "ticket_message_id": notification.message_id,
                "outbound": True,
                "address": notification.recipient_email,
                "created_at": now,
            }
        )
        thread.append((message_id, True, notification.recipient_email))
    marks.rows.append(_mark(notification, now, message_id, None))
    counts.sent += 1


def _mark(
    notification: OutboxRow, now: datetime, message_id: str | None, failure: str | None
) -> dict[str, object]:
    return {
        "row_id": notification.id,
        "token": notification.claim_token,
        "done_at": now,
        "sent_id": message_id,
        "why": failure,
    }


def _failed_attempt(notification: OutboxRow, error: DeliveryError, counts: DeliveryCounts) -> None:
    now = utcnow()
    attempts = notification.attempts + 1
    values: dict[str, object] = {
        "attempts": attempts,
        "failure": error.reason,
        "claim_token": None,
        "claimed_until": None,
    }
    if error.permanent or should_give_up(attempts, current_app.config["MAIL_MAX_ATTEMPTS"]):
        values["failed_at"] = now
        counts.failed += 1
    else:
        values["next_attempt_at"] = now + retry_delay(attempts)
        counts.retrying += 1
    db.session.execute(
        update(Notification)
        .where(Notification.id == notification.id, Notification.claim_token == notification.claim_token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _references(ticket_ids: list[int]) -> dict[int, str | None]:
    if not ticket_ids:
        return {}
    rows = db.session.execute(select(Ticket.id, Ticket.reference).where(Ticket.id.in_(set(ticket_ids))))
    return {ticket_id: reference for ticket_id, reference in rows}


def _thread_ids(ticket_ids: list[int]) -> dict[int, list[tuple[str, bool, str | None]]]:
    """Every stored Message-ID of the batch's tickets, oldest first, read in one query."""
    threads: dict[int, list[tuple[str, bool, str | None]]] = {}
    if not ticket_ids:
        return threads
    rows = db.session.execute(
        select(MailId.ticket_id, MailId.message_id, MailId.outbound, MailId.address)
        .where(MailId.ticket_id.in_(set(ticket_ids)))
        .order_by(MailId.id)
    )
    for ticket_id, message_id, outbound, address in rows:
        threads.setdefault(ticket_id, []).append((message_id, outbound, address))
    return threads


def _muted(user_ids: list[int]) -> set[tuple[int, str]]:
    if not user_ids:
        return set()
    rows = db.session.execute(
        select(MailMute.user_id, MailMute.kind).where(MailMute.user_id.in_(set(user_ids)))
    )
    return {(user_id, kind) for user_id, kind in rows}


def retry_failed(actor: User, notification_id: int) -> bool:
    """An admin sends a failed message again: it re-enters the queue with a fresh count."""
    require_admin(actor)
    result = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.failed_at.is_not(None))
        # A bounced message was sent once: it is sent again.
        .values(failed_at=None, attempts=0, next_attempt_at=None, failure=None, sent_at=None)
    )
    db.session.commit()
    return rows_matched(result) == 1


def failed_deliveries(actor: User, limit: int = 100) -> list[Notification]:
    """Messages that could not be delivered, newest first."""
    require_admin(actor)
    query = (
        select(Notification)
        .where(Notification.failed_at.is_not(None))
        .order_by(Notification.failed_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
