"""Notifications waiting to be delivered (the outbox the mail channel reads)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Base
from app.models.types import UTCDateTime, utcnow


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # The sender reads what is not sent yet, oldest first.
        Index("ix_notifications_unsent", "sent_at", "id"),
        Index("ix_notifications_ticket", "ticket_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    recipient_kind: Mapped[str] = mapped_column(String(32))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recipient_email: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    rule_name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Held until the calendar's next opening (SLA notices outside business hours).
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the notice is about (agents may mute a kind), the mail template and what it shows.
    kind: Mapped[str] = mapped_column(String(32), default="notice", server_default="notice")
    template: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The public ticket message this mail carries (an agent's reply), and whether a person wrote it.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    automatic: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Delivery: a claim while one sender works on the row, retries with backoff, a permanent failure.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(40))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failure: Mapped[str | None] = mapped_column(String(500))
    mail_message_id: Mapped[str | None] = mapped_column(String(255))


class VendorOverdueNotice(Base):
    """That the people behind a tier-4 ticket were told its vendor's due time passed. One per
    ticket and due time (the key): a second run, or a parallel one, cannot tell them twice, and
    a new due time can be told about again."""

    __tablename__ = "vendor_overdue_notices"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
