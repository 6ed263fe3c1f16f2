"""Webhook subscriptions and their outbox: one delivery row per event and subscription."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Base
from app.models.types import UTCDateTime, utcnow


class WebhookSubscription(Base):
    """A URL an admin subscribed to some events, with the secret its deliveries are signed with."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Who made it, and so who is told when it is paused.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The first failure since the last success; a day of it pauses the subscription.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_reason: Mapped[str | None] = mapped_column(String(300))
    # Deleted webhooks keep their row: a process still holding them in its copy of the active
    # ones may queue an event for one a moment later, and that row must have something to point at.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebhookDelivery(Base):
    """One event for one subscription: its signed body and what became of each attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The sender reads what is not delivered yet, oldest first; the log reads by subscription.
        Index("ix_webhook_deliveries_pending", "delivered_at", "id"),
        Index("ix_webhook_deliveries_subscription", "subscription_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id"))
    # The idempotency id: the same on every retry and redelivery of the event.
    event_id: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(40))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column()
    last_response_ms: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(String(300))
