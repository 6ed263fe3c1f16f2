"""Turning an outbox row into a mail: both parts from templates, threading headers, our ids."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass, fields
from email.header import Header
from email.utils import format_datetime, formataddr
from typing import Any

from flask import current_app
from jinja2 import TemplateNotFound

from app.domain.mail_headers import references_header, with_reference
from app.models import Notification
from app.models.types import utcnow

DEFAULT_TEMPLATE = "notice"
CRLF = "\r\n"


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
    signer = _id_signer(current_app.config["SECRET_KEY"])
    signer.update(f"mail:{notification_id}".encode())
    return f"td.{notification_id}.{signer.hexdigest()[:16]}@{mail_domain()}"


@functools.lru_cache(maxsize=4)
def _id_signing_key(secret_key: str) -> hmac.HMAC:
    return hmac.new(secret_key.encode(), digestmod=hashlib.sha256)


def _id_signer(secret_key: str) -> hmac.HMAC:
    """A fresh HMAC of the secret key, copied from one keyed once (keying costs more than the
    digest of a short id, and a batch signs one id per message)."""
    return _id_signing_key(secret_key).copy()


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
    # Straight from the app's Jinja environment: a mail uses only its own values, so the web
    # pages' context processors (the signed-in user, the CSRF token, ...) are not run for it.
    templates = current_app.jinja_env
    try:
        text = templates.get_template(f"mail/{template}.txt").render(context)
        html = templates.get_template(f"mail/{template}.html").render(context)
    except TemplateNotFound:
        text = templates.get_template(f"mail/{DEFAULT_TEMPLATE}.txt").render(context)
        html = templates.get_template(f"mail/{DEFAULT_TEMPLATE}.html").render(context)
    return text, html


def _header_text(value: str) -> str:
    """One line (a line break in a value would start a header of its own); ASCII as it is,
    anything else as RFC 2047 encoded words, folded with CRLF."""
    value = " ".join(value.splitlines())
    if value.isascii():
        return value
    return Header(value, "utf-8", header_name="Subject").encode(linesep="\r\n")


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """A mail ready for the wire: its Message-ID (without brackets) and its bytes (CRLF lines)."""

    message_id: str
    raw: bytes


def _part(content_type: str, text: str) -> bytes:
    body = base64.encodebytes(text.encode("utf-8")).replace(b"\n", b"\r\n")
    return (
        f'Content-Type: {content_type}; charset="utf-8"\r\n'
        "MIME-Version: 1.0\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + body


def build_mail(
    notification: OutboxRow, reference: str | None, earlier_ids: list[str], message_id: str
) -> OutgoingMail:
    """The whole mail of an outbox row, as bytes; `earlier_ids` are the ticket's previous
    Message-IDs and `message_id` the row's own (`our_message_id`).

    Written out directly rather than through the email package's generator, which re-folds every
    header and costs more than the rest of a message's delivery: the values here are ASCII (or
    encoded words) well under the line limit, and both parts are base64, which never holds "="
    inside a line or "--", so a random boundary of our own cannot clash with them."""
    config = current_app.config
    text, html = render_parts(notification)
    boundary = f"=_td_{secrets.token_hex(12)}_="
    recipient = "".join((notification.recipient_email or "").split())
    if not recipient.isascii():
        raise ValueError(f"{recipient} is not an ASCII address (needs SMTPUTF8)")
    headers = [
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "MIME-Version: 1.0",
        f"From: {formataddr((config['MAIL_FROM_NAME'], config['MAIL_FROM']), charset='utf-8')}",
        f"To: {recipient}",
    ]
    if config["MAIL_REPLY_TO"]:
        headers.append(f"Reply-To: {config['MAIL_REPLY_TO']}")
    headers.append(f"Subject: {_header_text(with_reference(notification.subject, reference))}")
    headers.append(f"Date: {format_datetime(utcnow())}")
    headers.append(f"Message-ID: <{message_id}>")
    earlier = [item for item in earlier_ids if item.isascii()]  # others cannot be in a header
    if earlier:
        headers.append(f"In-Reply-To: <{earlier[-1]}>")
        references = references_header(earlier)
        # Ten ids of up to 255 characters pass the 998-character line limit: one id a line.
        if len(references) > 900:
            references = references.replace(" ", CRLF + " ")
        headers.append(f"References: {references}")
    if notification.automatic:
        headers.append("Auto-Submitted: auto-generated")
    # Out-of-office responders in Exchange stay quiet on our mail.
    headers.append("X-Auto-Response-Suppress: All")
    if reference:
        headers.append(f"X-Tierdesk-Ticket: {reference}")
    separator = f"--{boundary}\r\n".encode()
    raw = b"".join(
        (
            "\r\n".join(headers).encode("ascii"),
            b"\r\n\r\n",
            separator,
            _part("text/plain", text),
            separator,
            _part("text/html", html),
            f"--{boundary}--\r\n".encode(),
        )
    )
    return OutgoingMail(message_id, raw)
