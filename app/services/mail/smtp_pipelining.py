"""Handing a message over in two round trips when the relay allows it (RFC 2920 PIPELINING).

smtplib waits for the reply to each command: MAIL, each RCPT, DATA and the message itself are
four round trips or more, and on a loaded machine each one waits for both ends to be scheduled
again. A relay that announces PIPELINING (Postfix, Exim and most others do) takes MAIL, every
RCPT and DATA in one write; their replies are read together, and the message follows. Refusals
are raised as smtplib's `sendmail` raises them, with the transaction reset (or the connection
closed on 421) in the same way, so the caller cannot tell the two paths apart."""

from __future__ import annotations

import functools
import re
import smtplib

_LEADING_DOT = re.compile(rb"(?m)^\.")
_ACCEPTED_RECIPIENT = (250, 251)


def allows_pipelining(connection: smtplib.SMTP) -> bool:
    """Whether the relay announced PIPELINING (greeting it first if nothing has yet)."""
    connection.ehlo_or_helo_if_needed()
    return bool(connection.does_esmtp and connection.has_extn("pipelining"))


@functools.lru_cache(maxsize=4096)
def _quoted(address: str) -> str:
    # smtplib parses each address again for every message; a batch repeats its addresses.
    return smtplib.quoteaddr(address)


def send_pipelined(
    connection: smtplib.SMTP, sender: str, recipients: list[str], raw: bytes
) -> dict[str, tuple[int, bytes]]:
    """`connection.sendmail(sender, recipients, raw)` in two round trips: the recipients that
    were refused while others were accepted, as sendmail returns them."""
    size = f" SIZE={len(raw)}" if connection.has_extn("size") else ""
    commands = [f"MAIL FROM:{_quoted(sender)}{size}"]
    commands += [f"RCPT TO:{_quoted(recipient)}" for recipient in recipients]
    commands.append("DATA")
    connection.send("".join(f"{command}\r\n" for command in commands))
    mail_from = connection.getreply()
    refused = {}
    for recipient in recipients:
        code, text = connection.getreply()
        if code not in _ACCEPTED_RECIPIENT:
            refused[recipient] = (code, text)
    data = connection.getreply()
    if data[0] == 354 and (mail_from[0] != 250 or len(refused) == len(recipients)):
        # A relay that opened the message although the envelope failed: end it empty.
        connection.send(b".\r\n")
        connection.getreply()
    if mail_from[0] != 250:
        _abandon(connection, mail_from[0])
        raise smtplib.SMTPSenderRefused(mail_from[0], mail_from[1], sender)
    if refused and (len(refused) == len(recipients) or any(c == 421 for c, _ in refused.values())):
        _abandon(connection, 421 if any(c == 421 for c, _ in refused.values()) else 0)
        raise smtplib.SMTPRecipientsRefused(refused)
    if data[0] != 354:
        _abandon(connection, data[0])
        raise smtplib.SMTPDataError(*data)
    body = _LEADING_DOT.sub(b"..", raw)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    connection.send(body + b".\r\n")
    code, text = connection.getreply()
    if code != 250:
        _abandon(connection, code)
        raise smtplib.SMTPDataError(code, text)
    return refused


def _abandon(connection: smtplib.SMTP, code: int) -> None:
    """As sendmail does after a refusal: close on 421 (the relay is going away), else RSET."""
    if code == 421:
        connection.close()
    else:
        connection.rset()
