"""The inbound SMTP/LMTP endpoint (aiosmtpd) the site's mail server forwards to.

Every accepted mail is answered 250: it became a ticket or a reply, or it is kept in the
failed-mail store, so the sending server never retries or bounces it."""

from __future__ import annotations

import logging

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import Flask

from app.services.inbound_mail.inbound import receive_mail

log = logging.getLogger(__name__)
# Above our own size limit, so an oversized mail reaches the failed-mail store instead of a bounce.
SMTP_SIZE_LIMIT = 64 * 1024 * 1024


class InboundHandler:
    """aiosmtpd's DATA hook: each mail is received inside an app context of `app`."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        raw = content.encode("utf-8", "surrogateescape") if isinstance(content, str) else content
        with self.app.app_context():
            try:
                kept = receive_mail(raw, source="smtp")
            except Exception:  # the store itself failed (database down): let the sender retry
                log.exception("inbound mail could not be stored")
                return "451 4.3.0 Temporary failure, try again later"
            log.info("inbound mail %s: %s", kept.id, kept.status)
        return "250 Message accepted"


class LmtpController(Controller):
    def factory(self) -> LMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)


def inbound_server(app: Flask, host: str, port: int, *, lmtp: bool = False) -> Controller:
    """A started-on-demand SMTP (or LMTP) server feeding inbound mail to `app`."""
    controller_class = LmtpController if lmtp else Controller
    return controller_class(
        InboundHandler(app), hostname=host, port=port, data_size_limit=SMTP_SIZE_LIMIT, decode_data=False
    )
