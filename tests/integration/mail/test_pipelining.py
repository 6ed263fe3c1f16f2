"""Mail out to a relay that announces PIPELINING: the same messages, refusals and order as
without it, and no write lock held while the relay is talked to."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.database import process_writer_busy, writing
from app.extensions import db
from app.models import Notification
from app.services.mail.compose import OutgoingMail
from app.services.mail.delivery import deliver_outbox
from app.services.mail.transport import SmtpTransport
from tests.mail_servers import Sink, SmtpSink


@pytest.fixture
def pipelining_sink(app, monkeypatch):
    sink = SmtpSink(Sink(pipelining=True)).start()
    monkeypatch.setitem(app.config, "MAIL_URL", sink.url)
    try:
        yield sink
    finally:
        sink.stop()


def _notice(email: str, subject: str, now) -> Notification:
    return Notification(
        recipient_kind="user", recipient_email=email, subject=subject, body="x", kind="notice", created_at=now
    )


@pytest.mark.parametrize("pipelining", [True, False])
def test_the_transport_pipelines_only_to_a_relay_that_announces_it(pipelining):
    sink = SmtpSink(Sink(pipelining=pipelining)).start()
    try:
        transport = SmtpTransport(sink.url, timeout=10)
        raw = b"Message-ID: <one@example.test>\r\nSubject: dots\r\n\r\n.a dotted line\r\n.\r\nend"
        transport.send(OutgoingMail("one@example.test", raw), "desk@example.test", ["ada@example.test"])
        transport.send(OutgoingMail("two@example.test", raw), "desk@example.test", ["bob@example.test"])
        transport.close()
    finally:
        sink.stop()
    assert transport.pipelining is pipelining
    assert sink.handler.envelopes == [
        ("desk@example.test", ["ada@example.test"]),
        ("desk@example.test", ["bob@example.test"]),
    ]
    # Dot-stuffed on the wire and whole again at the relay; a missing final line break added.
    assert sink.raw == [raw + b"\r\n", raw + b"\r\n"]


def test_refusals_between_accepted_messages_count_as_without_pipelining(app, pipelining_sink, now):
    addresses = ["ada@example.test", "bad@example.test", "later@example.test", "bob@example.test"]
    db.session.add_all(_notice(address, f"Notice {n}", now) for n, address in enumerate(addresses))
    db.session.commit()
    counts = deliver_outbox()
    assert (counts.sent, counts.failed, counts.retrying) == (2, 1, 1)
    assert [rcpts for _, rcpts in pipelining_sink.handler.envelopes] == [
        ["ada@example.test"],
        ["bob@example.test"],
    ]
    assert [m["Subject"] for m in pipelining_sink.messages] == ["Notice 0", "Notice 3"]
    assert pipelining_sink.handler.sessions == 1  # the connection outlived both refusals
    failures = db.session.execute(
        select(Notification.recipient_email, Notification.failure).order_by(Notification.id)
    ).all()
    assert [(email, (failure or "")[:3]) for email, failure in failures] == [
        ("ada@example.test", ""),
        ("bad@example.test", "550"),
        ("later@example.test", "451"),
        ("bob@example.test", ""),
    ]


class _LockWatchingSink(Sink):
    """Notes, as each message arrives, whether this process's SQLite writer turn is held."""

    def __init__(self) -> None:
        super().__init__(pipelining=True)
        self.writer_busy: list[bool] = []

    async def handle_DATA(self, server, session, envelope):
        self.writer_busy.append(process_writer_busy())
        return await super().handle_DATA(server, session, envelope)


def test_the_job_as_the_scheduler_runs_it_holds_no_write_lock_while_sending(app, monkeypatch, now):
    sink = SmtpSink(_LockWatchingSink()).start()
    monkeypatch.setitem(app.config, "MAIL_URL", sink.url)
    db.session.add_all(_notice(f"person{n}@example.test", f"Notice {n}", now) for n in range(3))
    db.session.commit()
    try:
        with writing():  # as run_job_if_leader runs every job
            assert deliver_outbox().sent == 3
    finally:
        sink.stop()
    assert sink.handler.writer_busy == [False, False, False]
