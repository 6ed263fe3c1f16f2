"""Pure decisions on mail headers: the ticket reference in a subject, threading ids, loops."""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import parseaddr

_ID = re.compile(r"<([^<>\s]+)>")
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|vs|antw|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
# Senders that are machines, not people (bounces and list software).
_MACHINE_LOCALS = frozenset({"mailer-daemon", "postmaster", "noreply", "no-reply", "listserv", "majordomo"})
_BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})


def with_reference(subject: str, reference: str | None) -> str:
    """The subject with the ticket's reference in brackets, added once: "[TD-1042] Printer down"."""
    if not reference or f"[{reference}]" in subject:
        return subject
    return f"[{reference}] {subject}"


def references_in(subject: str, prefix: str) -> list[str]:
    """Every bracketed ticket reference in a subject, first one first ("TD-1042")."""
    pattern = re.compile(rf"\[({re.escape(prefix)}-\d{{1,12}})\]", re.IGNORECASE)
    return [match.upper() for match in pattern.findall(subject or "")]


def clean_subject(subject: str, prefix: str) -> str:
    """A subject for a new ticket: reply prefixes and our reference brackets removed."""
    text = re.sub(rf"\[{re.escape(prefix)}-\d{{1,12}}\]", " ", subject or "", flags=re.IGNORECASE)
    text = _REPLY_PREFIX.sub("", text)
    return " ".join(text.split())


def message_ids(value: str | None) -> list[str]:
    """The ids in a Message-ID, In-Reply-To or References header, without angle brackets."""
    if not value:
        return []
    found = _ID.findall(value)
    if not found and value.strip() and " " not in value.strip():
        found = [value.strip()]
    return [item[:255] for item in found]


def thread_ids(in_reply_to: str | None, references: str | None) -> list[str]:
    """The ids a reply points at, nearest first: In-Reply-To, then References from the last."""
    ordered: list[str] = []
    for item in message_ids(in_reply_to) + list(reversed(message_ids(references))):
        if item not in ordered:
            ordered.append(item)
    return ordered


def references_header(earlier: list[str], keep: int = 10) -> str:
    """A References value for a new mail in a thread: the first id and the latest ones."""
    chosen = earlier if len(earlier) <= keep else [earlier[0], *earlier[-(keep - 1) :]]
    return " ".join(f"<{item}>" for item in chosen)


def automatic_reason(
    headers: Mapping[str, str], content_type: str, sender: str, own: frozenset[str]
) -> str | None:
    """Why a mail was sent by a machine (and must not be answered), or None for a person's mail.

    `headers` holds lower-cased header names; `own` holds our sending addresses."""
    address = parseaddr(sender)[1].lower()
    auto = headers.get("auto-submitted", "").strip().lower()
    if auto and auto != "no":
        return f"automatic mail (Auto-Submitted: {auto[:40]})"
    if content_type == "multipart/report" or headers.get("x-failed-recipients"):
        return "a delivery status notification (bounce)"
    if address and address in own:
        return "a mail from our own address (a loop)"
    local = address.split("@", 1)[0]
    if local in _MACHINE_LOCALS or headers.get("return-path", "").strip() == "<>":
        return f"a mail from a mail system ({address or 'empty return path'})"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return f"bulk or list mail (Precedence: {precedence})"
    if headers.get("x-autoreply") or headers.get("x-autorespond") or headers.get("list-id"):
        return "an auto-reply or list mail"
    return None
