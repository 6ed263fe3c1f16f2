"""Bounces through the real SMTP endpoint: a delivery status notification about a mail we sent
marks that outbox row as bounced with its reason, for admins to see and retry; never answered."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import InboundMail, Notification, Ticket
from app.services.mail.delivery import deliver_outbox
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_customer


def dsn(original_id: str, *, action: str = "failed", whole: bool = False) -> bytes:
    """A delivery status notification as Postfix writes it (RFC 3464), about `original_id`."""
    if whole:
        original = (
            "Content-Type: message/rfc822\r\n\r\n"
            f"Message-ID: {original_id}\r\nFrom: support@tierdesk.localhost\r\n"
            "To: gone@example.test\r\nSubject: We received your request\r\n\r\nHello.\r\n"
        )
    else:
        original = (
            "Content-Type: text/rfc822-headers\r\n\r\n"
            f"From: support@tierdesk.localhost\r\nTo: gone@example.test\r\nMessage-ID: {original_id}\r\n"
            "Subject: We received your request\r\n"
        )
    return (
        "From: MAILER-DAEMON@mx.example.test (Mail Delivery System)\r\n"
        "To: support@tierdesk.localhost\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "Message-ID: <20260301.dsn1@mx.example.test>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"\r\n\r\n'
        "--B1\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message"
        " could not be delivered.\r\n\r\n"
        "--B1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.test\r\nArrival-Date: Sun, 1 Mar 2026 10:00:00 +0000\r\n\r\n"
        "Final-Recipient: rfc822; gone@example.test\r\nOriginal-Recipient: rfc822;gone@example.test\r\n"
        f"Action: {action}\r\nStatus: {'5.1.1' if action == 'failed' else '4.4.1'}\r\n"
        "Remote-MTA: dns; mx.example.test\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <gone@example.test>: Recipient address\r\n"
        " rejected: User unknown in virtual mailbox table\r\n\r\n"
        f"--B1\r\n{original}\r\n--B1--\r\n"
    ).encode()


def _sent_notice(smtp_sink, now) -> tuple[Notification, str]:
    customer = make_customer(email="gone@example.test")
    open_ticket(customer.user, subject="Printer on fire", description="It smokes a lot", now=now)
    assert deliver_outbox().sent == 1
    (sent,) = smtp_sink.messages
    row = db.session.scalars(select(Notification)).one()
    return row, sent["Message-ID"]


def _outbox_size() -> int:
    return db.session.scalar(select(func.count(Notification.id))) or 0


def test_a_bounce_marks_the_message_bounced_for_admins_who_can_send_it_again(
    app, inbound, smtp_sink, now, login_as
):
    row, message_id = _sent_notice(smtp_sink, now)
    queued = _outbox_size()
    inbound.send(dsn(message_id), sender="")
    db.session.expire_all()
    assert row.failed_at is not None and row.sent_at is not None
    assert row.failure == (
        "Bounced for gone@example.test: 5.1.1 550 5.1.1 <gone@example.test>: Recipient address "
        "rejected: User unknown in virtual mailbox table"
    )
    (kept,) = db.session.scalars(select(InboundMail)).all()
    assert (kept.status, kept.ticket_id, kept.raw) == ("bounce", None, None)
    assert kept.reason.startswith(f"bounce of outbound mail {row.id}: Bounced for gone@example.test")
    # Never answered: nothing queued, no ticket opened from it.
    assert _outbox_size() == queued and db.session.scalar(select(func.count(Ticket.id))) == 1

    client = login_as(make_admin())
    page = client.get("/admin/mail/").get_data(as_text=True)
    assert "User unknown in virtual mailbox table" in page and "gone@example.test" in page
    assert "Undelivered Mail Returned" not in page  # the bounce itself is not listed as unused mail
    assert client.post(f"/admin/mail/deliveries/{row.id}/retry").status_code == 302
    assert deliver_outbox().sent == 1
    assert [m["Message-ID"] for m in smtp_sink.messages] == [message_id, message_id]


def test_a_bounce_carrying_the_whole_original_mail_is_matched_too(app, inbound, smtp_sink, now):
    row, message_id = _sent_notice(smtp_sink, now)
    inbound.send(dsn(message_id, whole=True), sender="")
    db.session.expire_all()
    assert row.failed_at is not None and "User unknown" in row.failure


def test_a_delay_warning_leaves_the_message_delivered(app, inbound, smtp_sink, now):
    row, message_id = _sent_notice(smtp_sink, now)
    inbound.send(dsn(message_id, action="delayed"), sender="")
    db.session.expire_all()
    assert row.failed_at is None and row.failure is None
    (kept,) = db.session.scalars(select(InboundMail)).all()
    assert (kept.status, kept.reason) == ("ignored", "automatic mail (Auto-Submitted: auto-replied)")


def test_a_bounce_naming_a_forged_message_id_changes_nothing(app, inbound, smtp_sink, now):
    row, message_id = _sent_notice(smtp_sink, now)
    forged = message_id.replace(".", ".9", 1)  # another row's number with this row's signature
    inbound.send(dsn(forged), sender="")
    db.session.expire_all()
    assert row.failed_at is None
    (kept,) = db.session.scalars(select(InboundMail)).all()
    assert kept.status == "ignored" and kept.raw is not None
