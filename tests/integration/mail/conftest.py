from __future__ import annotations

import pytest

from tests.mail_servers import SmtpSink


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
