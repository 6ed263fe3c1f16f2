"""The record of every inbound mail, and the failed-mail store: a mail that could not be used
is kept whole with its reason, listed for admins and can be processed again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ScalarSelect, String, bindparam, func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import InboundMail, MailId, User
from app.models.types import UTCDateTime
from app.services.common.access import require_admin
from app.services.common.adopted import attach_inserted, fresh
from app.services.common.many_rows import insert_many, insert_row

PROCESSED, FAILED, IGNORED, REPROCESSED = "processed", "failed", "ignored", "reprocessed"
# A bounce of a mail we sent: recorded on that outbox row, not listed with the unused mail.
BOUNCE = "bounce"


@dataclass(frozen=True, slots=True)
class Arrival:
    """What is known of a mail as it arrives; the sender's fields once it could be parsed."""

    now: datetime
    source: str
    size: int
    sender: str | None = None
    subject: str | None = None
    message_id: str | None = None


def _record(
    raw: bytes | None, arrival: Arrival, status: str, reason: str | None, ticket_id: int | None
) -> dict[str, Any]:
    return {
        "message_id": arrival.message_id,
        "sender": arrival.sender,
        "subject": (arrival.subject or "")[:200] or None,
        "source": arrival.source,
        "status": status,
        "reason": (reason or "")[:500] or None,
        "size": arrival.size,
        "ticket_id": ticket_id,
        "raw": raw,
        "received_at": arrival.now,
    }


def add_record(
    raw: bytes | None,
    arrival: Arrival,
    *,
    status: str,
    reason: str | None,
    ticket_id: int | None = None,
    thread: MailId | None = None,
) -> InboundMail:
    """Add the inbound record (and the Message-ID that threads later answers) to the caller's
    transaction, which commits it together with the ticket or reply the mail became.

    The record is a plain INSERT, and its object is put in the session as if read back: every
    mail writes one, and the unit of work's flush of a single new object costs more than the
    rest of the record's work."""
    values = _record(raw, arrival, status, reason, ticket_id)
    values["id"] = insert_row(InboundMail.__table__, values)
    row = fresh(InboundMail, values)
    attach_inserted(row)
    if thread is not None:
        # A plain INSERT after what is pending, flushed first (a reply's message may have taken
        # its id without a flush): the unit of work would not know to write the message before
        # its Message-ID.
        values = {column.key: getattr(thread, column.key) for column in _MAIL_ID_COLUMNS}
        db.session.flush()
        insert_many(MailId.__table__, [values])
    return row


_MAIL_ID_COLUMNS = [column for column in MailId.__table__.columns if column.key != "id"]


def keep(
    raw: bytes | None,
    arrival: Arrival,
    *,
    status: str,
    reason: str | None,
    ticket_id: int | None = None,
    thread: MailId | None = None,
) -> InboundMail:
    """Write one inbound record in its own transaction (the mail's own work may have failed),
    with the Message-ID that threads later answers when the mail was used."""
    db.session.rollback()
    try:
        row = add_record(raw, arrival, status=status, reason=reason, ticket_id=ticket_id, thread=thread)
        db.session.commit()
    except IntegrityError:  # the same mail came twice at once; the first one threads answers
        db.session.rollback()
        row = add_record(raw, arrival, status=status, reason=reason, ticket_id=ticket_id)
        db.session.commit()
    return row


def history_columns() -> tuple[ScalarSelect[int | None], ScalarSelect[int]]:
    """Two columns for the statement that reads a mail's sender (`senders.sender_by_address`):
    the id of an earlier record of this Message-ID that was turned into a ticket or reply (a
    re-delivery), and how many mails this sender sent since `:since` (the per-sender rate
    limit). They read the bound values `:address`, `:message_id` and `:since`."""
    seen = (
        select(InboundMail.id)
        .where(
            InboundMail.message_id == bindparam("message_id", type_=String), InboundMail.status == PROCESSED
        )
        .limit(1)
        .scalar_subquery()
    )
    recent = (
        select(func.count())
        .where(
            InboundMail.sender == bindparam("address", type_=String),
            InboundMail.received_at >= bindparam("since", type_=UTCDateTime()),
        )
        .scalar_subquery()
    )
    return seen, recent


def rate_window() -> timedelta:
    """The span of the per-sender rate limit."""
    return timedelta(hours=1)


def failed_mails(actor: User, limit: int = 100) -> list[tuple[InboundMail, bool]]:
    """Inbound mail that failed or was set aside as automatic, newest first, each with whether
    the raw mail is kept (and can be processed again)."""
    require_admin(actor)
    query = (
        select(InboundMail, InboundMail.raw.is_not(None))
        .where(InboundMail.status.in_((FAILED, IGNORED)))
        .order_by(InboundMail.id.desc())
        .limit(limit)
    )
    return [(row, bool(kept)) for row, kept in db.session.execute(query)]
