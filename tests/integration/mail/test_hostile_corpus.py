"""A corpus of hostile and broken mails: each gives a ticket, a reply or a kept failed mail with
its reason; nothing is lost and nothing crashes the endpoint."""

from __future__ import annotations

import base64
import smtplib

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Attachment, InboundMail, Ticket
from tests.mail_servers import started_inbound

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


BAD_CHARSET = (
    b"From: Ren\xe9 <rene@example.test>\r\nSubject: =?x-unknown?Q?Caf=E9?= broken\r\n"
    b'Content-Type: text/plain; charset="x-made-up-charset"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
    b"Le caf\xe9 est froid.\r\n"
)
LYING_CHARSET = (
    b"From: lie@example.test\r\nSubject: UTF-8 that is Latin-1\r\n"
    b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
    b"Gr\xfc\xdfe aus M\xfcnchen\r\n"
)
NO_FROM = b"To: support@tierdesk.localhost\r\nSubject: Who am I\r\n\r\nNobody signed this.\r\n"
GARBAGE = b"\x00\x01\x02\xff\xfe not a mail at all \r\n\r\n\xff\xff"
NESTED = (
    b"From: nested@example.test\r\nSubject: Nested parts\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="outer"\r\n\r\n'
    b'--outer\r\nContent-Type: multipart/alternative; boundary="alt"\r\n\r\n'
    b"--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe plain words.\r\n"
    b'--alt\r\nContent-Type: multipart/related; boundary="rel"\r\n\r\n'
    b"--rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>The <b>html</b> words.</p>\r\n"
    b"--rel\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + _b64(PNG)
    + b"--rel--\r\n--alt--\r\n"
    b'--outer\r\nContent-Type: application/pdf; name="invoice.pdf"\r\n'
    b'Content-Disposition: attachment; filename="invoice.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    + _b64(PDF)
    + b"--outer--\r\n"
)
TNEF = (
    b"From: outlook@example.test\r\nSubject: From Outlook\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
    b"--b\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n"
    b'--b\r\nContent-Type: application/ms-tnef; name="winmail.dat"\r\n'
    b'Content-Disposition: attachment; filename="winmail.dat"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    + _b64(b"\x78\x9f\x3e\x22" + b"\x00" * 64)
    + b"--b--\r\n"
)


def _huge() -> bytes:
    head = b"From: big@example.test\r\nSubject: Huge\r\nContent-Type: text/plain\r\n\r\n"
    return head + (b"x" * 998 + b"\r\n") * (20 * 1024)


def _send(port: int, raw: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as client:
        client.sendmail("envelope@example.test", ["support@tierdesk.localhost"], raw)


def _last() -> InboundMail:
    db.session.expire_all()
    return db.session.scalars(select(InboundMail).order_by(InboundMail.id.desc())).first()


@pytest.mark.parametrize(
    ("raw", "status", "check"),
    [
        (BAD_CHARSET, "processed", lambda t, r: "caf" in t.description and "froid" in t.description),
        (LYING_CHARSET, "processed", lambda t, r: t.description == "Grüße aus München"),
        (NO_FROM, "failed", lambda t, r: "no usable sender" in r.reason),
        (GARBAGE, "failed", lambda t, r: "sender" in r.reason),
        (NESTED, "processed", lambda t, r: t.description == "The plain words." and r.reason is None),
        (
            TNEF,
            "processed",
            lambda t, r: "winmail.dat" in r.reason and t.description == "See the attachment.",
        ),
    ],
    ids=["bad-charset", "lying-charset", "no-from", "garbage", "nested", "tnef"],
)
def test_each_broken_mail_gives_a_ticket_or_a_kept_failure(app, inbound, raw, status, check):
    _send(inbound.port, raw)
    row = _last()
    assert row.status == status, row.reason
    ticket = db.session.get(Ticket, row.ticket_id) if row.ticket_id else None
    assert check(ticket, row)
    if status == "failed" or row.reason:
        assert row.raw.rstrip(b"\r\n") == raw.rstrip(b"\r\n")  # kept whole (SMTP ends it with CRLF)


def test_the_nested_mails_pdf_is_attached_and_the_inline_logo_is_not(app, inbound):
    _send(inbound.port, NESTED)
    names = db.session.scalars(
        select(Attachment.filename).where(Attachment.ticket_id == _last().ticket_id)
    ).all()
    assert names == ["invoice.pdf"]


def test_a_20_mb_mail_is_kept_with_its_reason(app, inbound):
    raw = _huge()
    _send(inbound.port, raw)
    row = _last()
    assert row.status == "failed" and "more than the 15 MB we take" in row.reason
    assert row.size == len(raw) and len(row.raw) == len(raw)
    assert db.session.scalar(select(db.func.count(Ticket.id))) == 0


def test_the_endpoint_speaks_lmtp_too(app):
    server, port = started_inbound(app, lmtp=True)
    try:
        with smtplib.LMTP("127.0.0.1", port, timeout=30) as client:
            refused = client.sendmail("a@example.test", ["support@tierdesk.localhost"], NESTED)
        assert refused == {}
    finally:
        server.stop()
    assert _last().status == "processed"
