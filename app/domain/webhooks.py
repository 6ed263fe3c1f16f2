"""Webhook rules: the events a subscription may ask for, how a delivery is signed, how long a
failed one waits, and when a failing subscription is paused."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit


class WebhookEvent(StrEnum):
    ticket_created = "ticket.created"
    ticket_replied = "ticket.replied"
    ticket_status_changed = "ticket.status_changed"
    ticket_tier_changed = "ticket.tier_changed"
    sla_warning = "sla.warning"
    sla_breached = "sla.breached"
    csat_received = "csat.received"
    vendor_overdue = "vendor.overdue"


EVENT_LABELS: dict[WebhookEvent, str] = {
    WebhookEvent.ticket_created: "Ticket created",
    WebhookEvent.ticket_replied: "Public reply (customer or agent)",
    WebhookEvent.ticket_status_changed: "Status changed",
    WebhookEvent.ticket_tier_changed: "Tier changed",
    WebhookEvent.sla_warning: "SLA warning",
    WebhookEvent.sla_breached: "SLA breached",
    WebhookEvent.csat_received: "CSAT rating received",
    WebhookEvent.vendor_overdue: "Vendor overdue",
}

SIGNATURE_HEADER = "Tierdesk-Signature"
ID_HEADER = "Tierdesk-Webhook-Id"
EVENT_HEADER = "Tierdesk-Event"

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
PAUSE_AFTER = timedelta(hours=24)
MAX_URL_LENGTH = 2000


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the n-th failed attempt: 30 s, 1, 2, 4 … minutes, at most an hour."""
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), LONGEST_WAIT)


def delivered(status: int | None) -> bool:
    """Only a 2xx answer delivers; a redirect is not followed and counts as a failure."""
    return status is not None and 200 <= status < 300


def should_pause(failing_since: datetime | None, now: datetime) -> bool:
    """A subscription whose deliveries have failed without a success for a day is paused."""
    return failing_since is not None and now - failing_since >= PAUSE_AFTER


def url_problem(url: str) -> str | None:
    """Why a subscription URL cannot be used, or None: http(s), a host, no credentials."""
    if len(url) > MAX_URL_LENGTH:
        return f"Keep the URL under {MAX_URL_LENGTH} characters."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "That is not a valid URL."
    if parts.scheme not in ("http", "https"):
        return "The URL must start with http:// or https://."
    if not parts.hostname:
        return "The URL needs a host name."
    if parts.username or parts.password:
        return "Put no user name or password in the URL; check the signature instead."
    if parts.fragment:
        return "The URL cannot have a #fragment."
    del port
    return None
