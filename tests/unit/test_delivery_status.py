"""Reading delivery status notifications (RFC 3464) as Exim and Exchange also write them."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

from app.domain.delivery_status import read_bounce


def parse(raw: str):
    return BytesParser(policy=policy.default).parsebytes(raw.replace("\n", "\r\n").encode())


REPORT = """From: Mail Delivery System <Mailer-Daemon@relay.example>
Subject: Mail delivery failed
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary=X

--X
Content-Type: text/plain

This message was created automatically by mail delivery software.

--X
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example

Action: delivered
Final-Recipient: rfc822;fine@example.test
Status: 2.0.0

Action: failed
Final-Recipient: rfc822;full@example.test
Status: 5.2.2
Diagnostic-Code: smtp; 552 5.2.2 Mailbox full

--X
Content-Type: message/rfc822

Message-ID: <td.7.abc@tierdesk.localhost>
Subject: Your request

Hello.
--X--
"""


def test_the_failed_recipient_of_several_is_read_with_its_status_and_diagnostic():
    bounce = read_bounce(parse(REPORT))
    assert bounce is not None
    assert (bounce.original_id, bounce.recipient, bounce.reason) == (
        "td.7.abc@tierdesk.localhost",
        "full@example.test",
        "5.2.2 552 5.2.2 Mailbox full",
    )


def test_a_report_without_the_original_or_without_a_failure_is_no_bounce():
    assert read_bounce(parse(REPORT.replace("Message-ID: <td.7.abc@tierdesk.localhost>\n", ""))) is None
    assert read_bounce(parse(REPORT.replace("Action: failed", "Action: delayed"))) is None


def test_a_plain_mail_is_no_bounce():
    assert read_bounce(parse("From: a@example.test\nSubject: hi\n\nAction: failed\n")) is None
