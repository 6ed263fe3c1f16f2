"""Where outgoing mail goes: the SMTP relay named by MAIL_URL, or the local catch-all folder.

One transport serves a whole batch, so an SMTP connection is opened once and reused; a relay
that announces PIPELINING gets each message in two round trips (`smtp_pipelining`)."""

from __future__ import annotations

import functools
import os
import smtplib
import ssl
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

from app.domain.mail_delivery import is_permanent
from app.services.mail.compose import OutgoingMail
from app.services.mail.smtp_pipelining import allows_pipelining, send_pipelined


class DeliveryError(Exception):
    """A message could not be handed over; `permanent` says whether a retry can help."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:500]
        self.permanent = permanent


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The verifying TLS context of every SMTP connection, made once: loading the system's CA
    certificates takes longer than sending a batch of mail to a local relay."""
    return ssl.create_default_context()


class Transport(Protocol):
    """Where a batch of mail is handed over; `close` ends the batch."""

    def send(self, mail: OutgoingMail, sender: str, recipients: list[str]) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """An SMTP or SMTPS connection, opened on first use and kept for the batch."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        options = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
        self.ssl = parts.scheme == "smtps"
        self.starttls = options.get("starttls") in ("true", "1", "yes")
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.ssl else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else ""
        self.timeout = timeout
        self.connection: smtplib.SMTP | None = None
        self.pipelining = False

    def _connect(self) -> smtplib.SMTP:
        if self.ssl:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=tls_context()
            )
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                connection.starttls(context=tls_context())
        if self.user:
            connection.login(self.user, self.password)
        self.pipelining = allows_pipelining(connection)
        return connection

    def send(self, mail: OutgoingMail, sender: str, recipients: list[str]) -> None:
        try:
            if self.connection is None:
                self.connection = self._connect()
            if self.pipelining:
                refused = send_pipelined(self.connection, sender, recipients, mail.raw)
            else:
                refused = self.connection.sendmail(sender, recipients, mail.raw)
        except smtplib.SMTPRecipientsRefused as error:
            self.reset()
            code, text = next(iter(error.recipients.values()))
            raise DeliveryError(_words(code, text), permanent=is_permanent(code)) from error
        except smtplib.SMTPResponseException as error:
            self.reset()
            raise DeliveryError(
                _words(error.smtp_code, error.smtp_error), permanent=is_permanent(error.smtp_code)
            ) from error
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise DeliveryError(f"mail server unreachable: {error}", permanent=False) from error
        if refused:
            code, text = next(iter(refused.values()))
            raise DeliveryError(_words(code, text), permanent=is_permanent(code))

    def reset(self) -> None:
        """After a refused message the connection stays usable once the transaction is reset."""
        if self.connection is None:
            return
        try:
            self.connection.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None


class FolderTransport:
    """The catch-all without a mail server: each message becomes an .eml file in a folder."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        os.makedirs(folder, exist_ok=True)

    def send(self, mail: OutgoingMail, sender: str, recipients: list[str]) -> None:
        name = mail.message_id.replace("/", "_").replace("@", "_at_")
        with open(os.path.join(self.folder, f"{name}.eml"), "wb") as handle:
            handle.write(mail.raw)

    def close(self) -> None:
        return None


def catchall_dir() -> str:
    """The catch-all folder: MAIL_CATCHALL_DIR, else mail/ in the instance folder."""
    folder: str = current_app.config["MAIL_CATCHALL_DIR"] or os.path.join(current_app.instance_path, "mail")
    return folder


def open_transport() -> Transport:
    """The configured transport: MAIL_URL's SMTP server, else the catch-all folder."""
    url = current_app.config["MAIL_URL"]
    if not url:
        return FolderTransport(catchall_dir())
    return SmtpTransport(url, current_app.config["MAIL_TIMEOUT_SECONDS"])


def _words(code: int, text: bytes | str) -> str:
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {detail}".strip()
