"""Reading a delivery status notification (RFC 3464): which of our mails failed, and why.

A DSN is a multipart/report with a message/delivery-status part (one block of fields for the
message, then one per recipient) and the original mail, whole (message/rfc822) or its headers
only (text/rfc822-headers). Only a recipient whose Action is "failed" makes it a bounce: a
"delayed" report is a warning and the mail is still being tried."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser

from app.domain.mail_headers import message_ids

REASON_MAX = 480


@dataclass(frozen=True, slots=True)
class Bounce:
    """A failed delivery reported back: the original Message-ID, who it failed for and why."""

    original_id: str
    recipient: str
    reason: str


def read_bounce(message: Message) -> Bounce | None:
    """The failed delivery a DSN reports, or None when the mail is not one (or only a delay)."""
    if message.get_content_type() != "multipart/report":
        return None
    failed: Message | None = None
    original_id: str | None = None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            failed = failed or _failed_recipient(part)
        elif kind in ("message/rfc822", "message/rfc822-headers", "text/rfc822-headers"):
            original_id = original_id or _original_id(part)
    if failed is None or original_id is None:
        return None
    recipient = _field(failed, "Final-Recipient") or _field(failed, "Original-Recipient")
    recipient = recipient.split(";", 1)[-1].strip()
    status = _field(failed, "Status")
    diagnostic = _field(failed, "Diagnostic-Code").split(";", 1)[-1].strip()
    reason = " ".join(" ".join(item for item in (status, diagnostic) if item).split())
    return Bounce(original_id, recipient[:254], (reason or "the receiving server refused it")[:REASON_MAX])


def _blocks(part: Message) -> list[Message]:
    """The field blocks of a message/delivery-status part, however the parser left them."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    text = payload if isinstance(payload, str) else ""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    return [HeaderParser().parsestr(block.strip() + "\n") for block in blocks if block.strip()]


def _failed_recipient(part: Message) -> Message | None:
    for block in _blocks(part):
        if _field(block, "Action").lower() == "failed":
            return block
    return None


def _original_id(part: Message) -> str | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        headers: Message = payload[0]
    else:
        raw = part.get_payload(decode=True)
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload or "")
        headers = HeaderParser().parsestr(text.replace("\r\n", "\n"))
    ids = message_ids(_field(headers, "Message-ID"))
    return ids[0] if ids else None


def _field(block: Message, name: str) -> str:
    try:
        value = block.get(name)
    except Exception:  # a field the parser cannot make sense of reads as absent
        return ""
    return " ".join(str(value).split()) if value is not None else ""
