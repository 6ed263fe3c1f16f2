"""Polling a mailbox over IMAP (MAIL_IMAP_URL): each unseen mail goes through the same inbound
path as the SMTP endpoint, then is flagged seen. A mail processed but not yet flagged (a crash in
between) is recognised by its Message-ID on the next poll and not added twice."""

from __future__ import annotations

import contextlib
import imaplib
import ssl
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

from app.services.inbound_mail.inbound import receive_mail

BATCH = 200


def _connect(url: str) -> tuple[imaplib.IMAP4, str]:
    parts = urlsplit(url)
    options = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
    timeout = current_app.config["MAIL_TIMEOUT_SECONDS"]
    host = parts.hostname or "localhost"
    if parts.scheme == "imaps":
        connection: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            host, parts.port or 993, ssl_context=ssl.create_default_context(), timeout=timeout
        )
    else:
        connection = imaplib.IMAP4(host, parts.port or 143, timeout=timeout)
        if options.get("starttls") in ("true", "1", "yes"):
            connection.starttls(ssl.create_default_context())
    try:
        connection.login(unquote(parts.username or ""), unquote(parts.password or ""))
    except BaseException:
        connection.shutdown()
        raise
    folder = unquote(parts.path.strip("/")) or "INBOX"
    return connection, folder


def poll_mailbox() -> dict[str, int]:
    """Take in the unseen mail of the configured mailbox; counts what became of it."""
    url = current_app.config["MAIL_IMAP_URL"]
    counts = {"received": 0, "processed": 0, "kept": 0}
    if not url:
        return counts
    connection, folder = _connect(url)
    try:
        connection.select(folder)
        _, found = connection.uid("SEARCH", "UNSEEN")
        for uid in (found[0] or b"").decode().split()[:BATCH]:
            _, fetched = connection.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((item[1] for item in fetched if isinstance(item, tuple)), None)
            if raw is None:
                continue
            kept = receive_mail(raw, source="imap")
            counts["received"] += 1
            counts["processed" if kept.status == "processed" else "kept"] += 1
            connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            connection.logout()
    return counts
