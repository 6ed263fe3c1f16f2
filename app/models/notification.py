"""Notifications waiting to be delivered (the outbox the mail channel reads)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
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


class VendorOverdueNotice(Base):
    """That the people behind a tier-4 ticket were told its vendor's due time passed. One per
    ticket and due time (the key): a second run, or a parallel one, cannot tell them twice, and
    a new due time can be told about again."""

    __tablename__ = "vendor_overdue_notices"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
