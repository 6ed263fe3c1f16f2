"""Turning an outbox row into a mail: both parts from templates, threading headers, our ids."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, fields
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from typing import Any

from flask import current_app, render_template
from jinja2 import TemplateNotFound

from app.domain.mail_headers import references_header, with_reference
from app.models import Notification
from app.models.types import utcnow

DEFAULT_TEMPLATE = "notice"


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """An outbox row as the sender reads it: plain values, so its commits expire nothing."""

    id: int
    ticket_id: int | None
    recipient_user_id: int | None
    recipient_email: str | None
    kind: str
    subject: str
    body: str
    template: str | None
    data: dict[str, Any] | None
    message_id: int | None
    automatic: bool
    attempts: int
    claim_token: str | None


def sender_address() -> str:
    """The envelope and From address of every mail we send."""
    address: str = current_app.config["MAIL_FROM"]
    return address


def mail_domain() -> str:
    """The domain our Message-IDs end in (the sender address's)."""
    return sender_address().rpartition("@")[2] or "tierdesk.localhost"


def our_message_id(notification_id: int) -> str:
    """The Message-ID of an outbox row (without brackets); the same on every retry of that row."""
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(), f"mail:{notification_id}".encode(), hashlib.sha256
    ).hexdigest()[:16]
    return f"td.{notification_id}.{digest}@{mail_domain()}"


def is_our_message_id(message_id: str) -> bool:
    """Whether a Message-ID is one we made (a mail of ours coming back is a loop)."""
    return outbox_row_of(message_id) is not None


def outbox_row_of(message_id: str) -> int | None:
    """The outbox row a Message-ID of ours was sent for (a bounce names it); None for any other."""
    parts = message_id.split("@", 1)[0].split(".")
    if len(parts) != 3 or parts[0] != "td" or not parts[1].isdigit() or len(parts[1]) > 18:
        return None
    notification_id = int(parts[1])
    return notification_id if hmac.compare_digest(our_message_id(notification_id), message_id) else None


def render_notification(notification: Notification) -> tuple[str, str]:
    """The plain-text and HTML parts of a stored outbox row, as they would be sent."""
    return render_parts(OutboxRow(*(getattr(notification, f.name) for f in fields(OutboxRow))))


def render_parts(notification: OutboxRow) -> tuple[str, str]:
    """The plain-text and HTML parts from templates/mail/<template>.txt and .html."""
    template = notification.template or DEFAULT_TEMPLATE
    context = {
        **(notification.data or {}),
        "subject": notification.subject,
        "body": notification.body,
        "base_url": current_app.config["BASE_URL"].rstrip("/"),
    }
    try:
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    except TemplateNotFound:
        text = render_template(f"mail/{DEFAULT_TEMPLATE}.txt", **context)
        html = render_template(f"mail/{DEFAULT_TEMPLATE}.html", **context)
    return text, html


def _header_text(value: str) -> str | Header:
    """ASCII as it is; anything else as an RFC 2047 encoded word."""
    return value if value.isascii() else Header(value, "utf-8")


def build_mail(notification: OutboxRow, reference: str | None, earlier_ids: list[str]) -> Message:
    """The whole mail of an outbox row; `earlier_ids` are the ticket's previous Message-IDs.

    Built with the email package's MIME classes: several times faster than EmailMessage's
    header objects when a batch of hundreds is sent."""
    config = current_app.config
    text, html = render_parts(notification)
    # Both parts are base64, which never holds "=" inside a line or "--": a random boundary of our
    # own cannot clash with them, and the generator skips its per-message regex search for one.
    message = MIMEMultipart("alternative", boundary=f"=_td_{secrets.token_hex(12)}_=")
    message["From"] = formataddr((config["MAIL_FROM_NAME"], config["MAIL_FROM"]), charset="utf-8")
    message["To"] = notification.recipient_email or ""
    if config["MAIL_REPLY_TO"]:
        message["Reply-To"] = config["MAIL_REPLY_TO"]
    # typeshed types MIMEBase's headers as str; its compat32 policy also takes a Header.
    message["Subject"] = _header_text(with_reference(notification.subject, reference))  # type: ignore[assignment]
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = f"<{our_message_id(notification.id)}>"
    if earlier_ids:
        message["In-Reply-To"] = f"<{earlier_ids[-1]}>"
        message["References"] = references_header(earlier_ids)
    if notification.automatic:
        message["Auto-Submitted"] = "auto-generated"
    # Out-of-office responders in Exchange stay quiet on our mail.
    message["X-Auto-Response-Suppress"] = "All"
    if reference:
        message["X-Tierdesk-Ticket"] = reference
    message.attach(MIMEText(text, "plain", "utf-8"))
    message.attach(MIMEText(html, "html", "utf-8"))
    return message
