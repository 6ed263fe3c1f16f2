"""Webhook fixtures: an admin who owns the subscriptions, and helpers to subscribe and deliver."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import WebhookDelivery
from app.services.webhooks.subscriptions import create_subscription
from tests.factories import make_admin


@pytest.fixture
def admin():
    return make_admin(name="Ada Admin")


def subscribe(admin, url: str, events: list[str] | None = None):
    return create_subscription(admin, url=url, events=events or ["ticket.created"], description="test")


def deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def verify_signature(secret: str, header: str, body: bytes) -> bool:
    """A reference check written from the documented format alone: t=<unix>,v1=<hex>, where
    v1 is HMAC-SHA256 with the secret as key over the ASCII timestamp, a dot, and the raw body."""
    fields: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        fields.setdefault(key, []).append(value)
    if "t" not in fields or "v1" not in fields:
        return False
    message = fields["t"][0].encode("ascii") + b"." + body
    expected = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, candidate) for candidate in fields["v1"])


def events_seen(receiver) -> list[dict]:
    return [json.loads(request.body) for request in receiver.requests]
