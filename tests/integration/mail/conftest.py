from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest

from tests.mail_servers import SmtpSink, started_inbound


@pytest.fixture
def smtp_sink(app):
    """A real SMTP server the app delivers to for the length of one test."""
    sink = SmtpSink().start()
    saved = app.config["MAIL_URL"]
    app.config["MAIL_URL"] = sink.url
    try:
        yield sink
    finally:
        app.config["MAIL_URL"] = saved
        sink.stop()


@pytest.fixture
def inbound(app):
    """The real inbound SMTP endpoint on a free port; send(raw) delivers one mail to it."""
    server, port = started_inbound(app)
    try:
        yield Inbound(port)
    finally:
        server.stop()


class Inbound:
    def __init__(self, port: int) -> None:
        self.port = port

    def send(self, raw: bytes | EmailMessage, sender: str = "someone@example.test") -> None:
        # SMTP lines end in CRLF: a mail of bare newlines is one line, too long past 1,000 bytes.
        data = raw.as_bytes(policy=raw.policy.clone(linesep="\r\n")) if isinstance(raw, EmailMessage) else raw
        with smtplib.SMTP("127.0.0.1", self.port, timeout=60) as client:
            client.sendmail(sender, ["support@tierdesk.localhost"], data)
