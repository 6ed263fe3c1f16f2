"""A subscription's delivery log, and sending an event again by hand."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from app.domain.errors import NotFound
from app.extensions import db
from app.models import User, WebhookDelivery
from app.models.types import utcnow
from app.services.common.access import require_admin
from app.services.common.rows import rows_matched
from app.services.common.transaction import transaction

LOG_LENGTH = 100


def delivery_log(actor: User, subscription_id: int, limit: int = LOG_LENGTH) -> list[WebhookDelivery]:
    """The subscription's latest deliveries, newest first."""
    require_admin(actor)
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def redeliver(actor: User, delivery_id: int, now: datetime | None = None) -> WebhookDelivery:
    """Send an event again with the same idempotency id and body: a waiting delivery is made
    due at once; a delivered one is queued as a new row (the log keeps the first)."""
    require_admin(actor)
    now = now or utcnow()
    with transaction():
        original = db.session.get(WebhookDelivery, delivery_id)
        if original is None:
            raise NotFound("There is no such delivery.")
        if original.delivered_at is None:
            result = db.session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id, WebhookDelivery.delivered_at.is_(None))
                .values(next_attempt_at=None)
            )
            if rows_matched(result) == 1:
                db.session.refresh(original)
                return original
        again = WebhookDelivery(
            subscription_id=original.subscription_id,
            event_id=original.event_id,
            event_type=original.event_type,
            ticket_id=original.ticket_id,
            payload=original.payload,
            created_at=now,
            attempts=0,
        )
        db.session.add(again)
    return again
