"""Bounces: a delivery status notification about a mail we sent marks that outbox row as
bounced with the reason, listed for admins with the other failed deliveries. A bounce is never
answered."""

from __future__ import annotations

from sqlalchemy import update

from app.domain.delivery_status import Bounce
from app.extensions import db
from app.models import InboundMail, Notification
from app.services.common.transaction import transaction
from app.services.inbound_mail import inbound_store as store
from app.services.mail.compose import outbox_row_of


def record_bounce(bounce: Bounce, about: store.Arrival) -> InboundMail | None:
    """Mark the outbox row the bounce reports on as failed, and record the bounce; None when the
    failed mail is not one of ours (the bounce is then set aside like other automatic mail)."""
    notification_id = outbox_row_of(bounce.original_id)
    if notification_id is None:
        return None
    failure = f"Bounced for {bounce.recipient or 'the recipient'}: {bounce.reason}"
    with transaction():
        db.session.execute(
            update(Notification)
            .where(
                Notification.id == notification_id,
                Notification.sent_at.is_not(None),
                Notification.failed_at.is_(None),
            )
            .values(failed_at=about.now, failure=failure[:500])
            .execution_options(synchronize_session=False)
        )
        return store.add_record(
            None, about, status=store.BOUNCE, reason=f"bounce of outbound mail {notification_id}: {failure}"
        )
