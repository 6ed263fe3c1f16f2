"""Admins' webhook subscriptions, and each process's copy of the active ones.

The copy lives in the setup cache: every edit bumps the "webhooks" version in its transaction,
so an event in any worker sees the edit at the next request, and an event nobody listens to
costs no query at all."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, select, update

from app.domain.audit import AuditKind
from app.domain.errors import InvalidInput, NotFound
from app.domain.webhooks import WebhookEvent, url_problem
from app.extensions import db
from app.models import User, WebhookDelivery, WebhookSubscription
from app.models.types import utcnow
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.setup_cache import bump_setup, cached_setup, recent_setup
from app.services.common.transaction import transaction

WEBHOOKS = "webhooks"


@dataclass(frozen=True, slots=True)
class Listener:
    """An active subscription as events see it: which one, and what it listens to."""

    id: int
    events: frozenset[str]


def listeners(event: WebhookEvent) -> list[int]:
    """The ids of the active subscriptions that want this event, from the per-process copy.

    When the copy, found current within WEBHOOK_LISTENERS_FRESH_SECONDS, has no listener for the
    event, the answer is no without a statement, even in a request that read no setup yet; when
    it has some, the copy is checked against the version first (a paused or deleted webhook
    takes no more events)."""
    max_age = current_app.config["WEBHOOK_LISTENERS_FRESH_SECONDS"]
    if not _listening(recent_setup(WEBHOOKS, _active, max_age), event):
        return []
    return _listening(cached_setup(WEBHOOKS, _active), event)


def _listening(active: tuple[Listener, ...], event: WebhookEvent) -> list[int]:
    return [listener.id for listener in active if event.value in listener.events]


def _active() -> tuple[Listener, ...]:
    query = (
        select(WebhookSubscription.id, WebhookSubscription.events)
        .where(WebhookSubscription.active.is_(True))
        .order_by(WebhookSubscription.id)
    )
    # Built in the middle of a change (a sweep's batch must not flush): the webhooks do not
    # depend on the caller's pending rows.
    with db.session.no_autoflush:
        rows = db.session.execute(query).all()
    return tuple(Listener(row_id, frozenset(events or ())) for row_id, events in rows)


def new_secret() -> str:
    return f"whsec_{secrets.token_hex(24)}"


def _clean(url: str, events: list[str], description: str) -> tuple[str, list[str], str]:
    url = (url or "").strip()
    problem = url_problem(url)
    if problem:
        raise InvalidInput(problem, "url")
    known = {event.value for event in WebhookEvent}
    chosen: list[str] = [str(event.value) for event in WebhookEvent if event.value in set(events)]
    if not chosen or not set(events) <= known:
        raise InvalidInput("Choose at least one event.", "events")
    description = (description or "").strip()
    if len(description) > 200:
        raise InvalidInput("Keep the description under 200 characters.", "description")
    return url, chosen, description


def list_subscriptions(actor: User) -> list[tuple[WebhookSubscription, int]]:
    """Every subscription with its number of deliveries still waiting, oldest first."""
    require_admin(actor)
    waiting = (
        select(WebhookDelivery.subscription_id, func.count().label("waiting"))
        .where(WebhookDelivery.delivered_at.is_(None))
        .group_by(WebhookDelivery.subscription_id)
        .subquery()
    )
    rows = db.session.execute(
        select(WebhookSubscription, func.coalesce(waiting.c.waiting, 0))
        .outerjoin(waiting, waiting.c.subscription_id == WebhookSubscription.id)
        .where(WebhookSubscription.deleted_at.is_(None))
        .order_by(WebhookSubscription.id)
    )
    return [(subscription, count) for subscription, count in rows]


def get_subscription(actor: User, subscription_id: int) -> WebhookSubscription:
    require_admin(actor)
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None or subscription.deleted_at is not None:
        raise NotFound("There is no such webhook.")
    return subscription


def create_subscription(
    actor: User, *, url: str, events: list[str], description: str = "", now: datetime | None = None
) -> WebhookSubscription:
    """Subscribe a URL to events; its signing secret is generated here."""
    require_admin(actor)
    now = now or utcnow()
    url, chosen, description = _clean(url, events, description)
    with transaction():
        subscription = WebhookSubscription(
            url=url,
            events=chosen,
            description=description,
            secret=new_secret(),
            owner_id=actor.id,
            created_at=now,
            updated_at=now,
        )
        db.session.add(subscription)
        bump_setup(WEBHOOKS)
        audit(AuditKind.webhook_saved, f"{actor.name} subscribed {url} to webhooks", actor=actor, now=now)
    return subscription


def update_subscription(
    actor: User,
    subscription_id: int,
    *,
    url: str,
    events: list[str],
    description: str = "",
    now: datetime | None = None,
) -> WebhookSubscription:
    """Change where a subscription delivers and what it listens to."""
    now = now or utcnow()
    url, chosen, description = _clean(url, events, description)
    with transaction():
        subscription = get_subscription(actor, subscription_id)
        subscription.url, subscription.events, subscription.description = url, chosen, description
        subscription.updated_at = now
        bump_setup(WEBHOOKS)
        audit(AuditKind.webhook_saved, f"{actor.name} changed webhook {url}", actor=actor, now=now)
    return subscription


def set_active(actor: User, subscription_id: int, active: bool, now: datetime | None = None) -> None:
    """Pause a subscription (its events wait) or resume it (they go out, failures forgotten)."""
    now = now or utcnow()
    with transaction():
        subscription = get_subscription(actor, subscription_id)
        subscription.active = active
        subscription.updated_at = now
        if active:
            subscription.paused_at, subscription.paused_reason, subscription.failing_since = None, None, None
            # What waited goes out at the next run, not at the retry time it had when paused.
            db.session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.subscription_id == subscription.id, WebhookDelivery.delivered_at.is_(None)
                )
                .values(next_attempt_at=None)
            )
        else:
            subscription.paused_at, subscription.paused_reason = now, f"Paused by {actor.name}"
        bump_setup(WEBHOOKS)
        verb = "resumed" if active else "paused"
        audit(
            AuditKind.webhook_saved, f"{actor.name} {verb} webhook {subscription.url}", actor=actor, now=now
        )


def delete_subscription(actor: User, subscription_id: int, now: datetime | None = None) -> None:
    """Remove a subscription: it stops at once, its log and waiting events are dropped."""
    now = now or utcnow()
    with transaction():
        subscription = get_subscription(actor, subscription_id)
        db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id))
        subscription.active, subscription.deleted_at, subscription.updated_at = False, now, now
        bump_setup(WEBHOOKS)
        audit(
            AuditKind.webhook_deleted,
            f"{actor.name} deleted webhook {subscription.url}",
            actor=actor,
            now=now,
        )
