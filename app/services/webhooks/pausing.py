"""A subscription's run of failures: remembered from its first failure, cleared by a success, and
after a day of it the subscription is paused and its owner told by mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from app.domain.vocabulary import Role
from app.domain.webhooks import PAUSE_AFTER, should_pause
from app.extensions import db
from app.models import Notification, User, WebhookSubscription
from app.services.common.links import absolute_url
from app.services.common.rows import rows_matched
from app.services.common.setup_cache import bump_setup
from app.services.webhooks.subscriptions import WEBHOOKS


@dataclass(slots=True)
class Target:
    """A subscription as one delivery batch sees it, and how its attempts in the batch went."""

    id: int
    url: str
    secret: str
    failing_since: datetime | None
    owner_id: int | None
    succeeded: bool = False
    # The first failure after the batch's last success (None: the last attempt succeeded).
    failed_at: datetime | None = None


def pause_failing(targets: list[Target], now: datetime) -> int:
    """Store each subscription's run of failures after a batch, pause the ones failing for a day
    (in the caller's transaction); returns how many were paused."""
    paused = 0
    for target in targets:
        if target.failed_at is None:
            if target.succeeded and target.failing_since is not None:
                _set_failing_since(target.id, None)
            continue
        since = target.failed_at if target.succeeded or target.failing_since is None else target.failing_since
        if since != target.failing_since:
            _set_failing_since(target.id, since)
        if should_pause(since, now) and _pause(target, now):
            paused += 1
    return paused


def _set_failing_since(subscription_id: int, since: datetime | None) -> None:
    db.session.execute(
        update(WebhookSubscription)
        .where(WebhookSubscription.id == subscription_id)
        .values(failing_since=since)
    )


def _pause(target: Target, now: datetime) -> bool:
    hours = int(PAUSE_AFTER.total_seconds() // 3600)
    reason = f"Every delivery failed for {hours} hours"
    result = db.session.execute(
        update(WebhookSubscription)
        .where(WebhookSubscription.id == target.id, WebhookSubscription.active.is_(True))
        .values(active=False, paused_at=now, paused_reason=reason, updated_at=now)
    )
    if rows_matched(result) != 1:
        return False  # paused meanwhile by an admin or another run
    bump_setup(WEBHOOKS)
    _tell_owner(target, reason, now)
    return True


def _tell_owner(target: Target, reason: str, now: datetime) -> None:
    """Mail the admin who made the subscription (every active admin when they are gone)."""
    owner = db.session.get(User, target.owner_id) if target.owner_id is not None else None
    if owner is not None and owner.active and owner.role == Role.admin:
        recipients = [owner]
    else:
        query = select(User).where(User.role == Role.admin, User.active.is_(True)).order_by(User.id)
        recipients = list(db.session.scalars(query))
    link = absolute_url("admin.webhooks.subscription", subscription_id=target.id)
    for user in recipients:
        db.session.add(
            Notification(
                recipient_kind="owner",
                recipient_user_id=user.id,
                recipient_email=user.email,
                subject=f"Webhook paused: {target.url}"[:200],
                body=(
                    f"{reason}, so Tierdesk paused the webhook to {target.url}.\n"
                    "Its events are kept and go out again once it is resumed.\n\n"
                    f"See its delivery log and resume it: {link}\n"
                ),
                created_at=now,
                kind="webhook",
            )
        )
