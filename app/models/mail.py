"""Mail threading ids, inbound mail (kept whole when it fails) and agents' muted notice kinds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Base
from app.models.types import UTCDateTime, utcnow


class MailId(Base):
    """A Message-ID sent or received on a ticket: replies find their ticket through it."""

    __tablename__ = "mail_ids"
    __table_args__ = (Index("ix_mail_ids_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    ticket_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    outbound: Mapped[bool] = mapped_column(default=True)
    # The recipient of an outgoing mail: a mail threads only the customer's own earlier mail.
    address: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InboundMail(Base):
    """One received mail: what became of it, and the raw mail when it could not be used."""

    __tablename__ = "inbound_mails"
    __table_args__ = (
        # The per-sender rate limit counts a sender's recent mails.
        Index("ix_inbound_mails_sender", "sender", "received_at"),
        Index("ix_inbound_mails_status", "status", "id"),
        Index("ix_inbound_mails_message_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str | None] = mapped_column(String(255))
    sender: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(8), default="smtp")
    # processed | failed | ignored (automatic mail, never answered) | bounce (of a mail we sent)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(default=0)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # Read only when needed: a kept mail may be tens of megabytes.
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MailMute(Base):
    """A kind of notice an agent chose not to receive by mail."""

    __tablename__ = "mail_mutes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
