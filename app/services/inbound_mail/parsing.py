"""Reading a raw mail with the standard library (policy.default, each header value parsed once):
sender, threading headers, the readable text (HTML reduced to text, any charset) and the
attached files."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import getaddresses, parseaddr
from typing import cast

from app.domain.delivery_status import Bounce, read_bounce
from app.domain.mail_headers import message_ids
from app.domain.mail_text import html_to_text

# The headers that tell a machine's mail from a person's (app/domain/mail_headers.py).
_LOOP_HEADERS = (
    "auto-submitted",
    "precedence",
    "x-autoreply",
    "x-autorespond",
    "list-id",
    "return-path",
    "x-failed-recipients",
)


class _ReadOncePolicy(EmailPolicy):
    """policy.default, but a header value is parsed into its header object once: the parser
    and the content accessors ask for Content-Type five or six times per part (each time a
    full parse of the value), and most mails carry the same few values."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        if hasattr(value, "name"):
            return value
        return _parsed_header(name, value)


@functools.lru_cache(maxsize=1024)
def _parsed_header(name: str, value: str) -> str:
    # The objects are immutable (a str with its parse): sharing one between mails is safe.
    return policy.default.header_fetch_parse(name, value)


_POLICY = _ReadOncePolicy()


class UnusableMail(Exception):
    """The mail cannot become a ticket or a reply; it is kept whole with this reason."""


@dataclass(frozen=True, slots=True)
class MailFile:
    filename: str
    data: bytes


@dataclass(slots=True)
class ParsedMail:
    sender: str
    sender_name: str
    subject: str
    message_id: str | None
    in_reply_to: str | None
    references: str | None
    content_type: str
    headers: dict[str, str]
    text: str
    files: list[MailFile] = field(default_factory=list)
    # A delivery status notification reporting that a mail failed.
    bounce: Bounce | None = None


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header the parser cannot make sense of reads as absent
        return ""
    return str(value) if value is not None else ""


def _raw_header(message: EmailMessage, name: str) -> str:
    """A header as it came, unfolded, when it is plain ASCII without encoded words: the parsed
    header objects of policy.default cost more than the rest of a short mail, and such a value
    reads the same either way. Anything else goes through the policy."""
    value = _raw_value(message, name)
    if value is None:
        return ""
    if not value.isascii() or "=?" in value:
        value = _header(message, name)
    return " ".join(value.split())


def _raw_value(message: EmailMessage, name: str) -> str | None:
    wanted = name.lower()
    for key, value in message.raw_items():
        if key.lower() == wanted:
            return value if isinstance(value, str) else None
    return None


def _sender(message: EmailMessage) -> tuple[str, str]:
    raw = _raw_header(message, "From")
    try:
        pairs = getaddresses([raw])
    except Exception:
        pairs = [parseaddr(raw)]
    for name, address in pairs:
        address = address.strip().lower()
        if "@" in address and " " not in address and len(address) <= 254:
            return address, name.strip()[:120]
    raise UnusableMail("no usable sender address (From)")


def _decoded(part: MIMEPart) -> str:
    """A text part's content in its declared charset; an unknown or lying charset is read as
    UTF-8, then Windows-1252, then Latin-1 (which reads any bytes)."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload())
    declared = part.get_content_charset() or "us-ascii"
    for charset in (declared, "utf-8", "cp1252"):
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("latin-1")


def _text(message: EmailMessage, content_type: str) -> tuple[str, MIMEPart | None]:
    if message.is_multipart():
        body = message.get_body(preferencelist=("plain", "html"))
        body_type = body.get_content_type() if body is not None else ""
    else:
        # A single-part mail is its own body when it is text and not an attachment (what
        # get_body decides, without reading the Content-Type header again and again).
        readable = content_type in ("text/plain", "text/html")
        body = message if readable and message.get_content_disposition() != "attachment" else None
        body_type = content_type
    if body is None:
        return "", None
    content = _decoded(body)
    if body_type == "text/html":
        content = html_to_text(content)
    return content.replace("\r\n", "\n").replace("\x00", ""), body


def _files(message: EmailMessage, body: MIMEPart | None) -> list[MailFile]:
    if body is message:
        return []  # a single-part mail that is all text
    files: list[MailFile] = []
    for part in message.walk():
        if part.is_multipart() or part is body:
            continue
        filename = part.get_filename()
        if not filename and part.get_content_disposition() != "attachment":
            continue
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            files.append(MailFile(filename or "attachment", data))
    return files


def _loop_headers(message: EmailMessage) -> dict[str, str]:
    """The loop headers the mail has: only those are parsed (most mail has none of them)."""
    present = {name.lower() for name in message}
    found = {}
    for name in _LOOP_HEADERS:
        if name in present:
            value = _header(message, name)
            if value:
                found[name] = value
    return found


def parse_mail(raw: bytes) -> ParsedMail:
    """The parts of a mail Tierdesk uses; UnusableMail when it has no sender or cannot be read."""
    try:
        message = cast(EmailMessage, BytesParser(policy=_POLICY).parsebytes(raw))
        sender, name = _sender(message)
        content_type = message.get_content_type()
        text, body = _text(message, content_type)
        ids = message_ids(_raw_header(message, "Message-ID"))
        return ParsedMail(
            sender=sender,
            sender_name=name,
            subject=_raw_header(message, "Subject")[:500],
            message_id=ids[0] if ids else None,
            in_reply_to=_raw_header(message, "In-Reply-To") or None,
            references=_raw_header(message, "References") or None,
            content_type=content_type,
            headers=_loop_headers(message),
            text=text,
            files=_files(message, body),
            bounce=read_bounce(message) if content_type == "multipart/report" else None,
        )
    except UnusableMail:
        raise
    except Exception as error:  # any mail that breaks the parser is kept, never lost
        raise UnusableMail(f"the mail cannot be read: {type(error).__name__}: {error}"[:500]) from error
