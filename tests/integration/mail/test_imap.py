"""IMAP polling against a real Dovecot started by the test."""

from __future__ import annotations

import imaplib
import time
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs import JOBS, run_job_if_leader
from app.models import InboundMail, Message, Ticket
from app.services.inbound_mail.imap import poll_mailbox
from tests.factories import make_customer
from tests.mail_servers import Dovecot, dovecot_available

pytestmark = pytest.mark.skipif(not dovecot_available(), reason="needs dovecot-imapd and root (see .ci/run)")


@pytest.fixture
def mailbox(app):
    server = Dovecot().start()
    saved = app.config["MAIL_IMAP_URL"]
    app.config["MAIL_IMAP_URL"] = server.url("support")
    try:
        yield server
    finally:
        app.config["MAIL_IMAP_URL"] = saved
        server.stop()


def _append(server: Dovecot, sender: str, subject: str, body: str, **headers: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "support@tierdesk.localhost", subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    client = imaplib.IMAP4("127.0.0.1", server.port)
    client.login("support", "secret")
    client.append("INBOX", None, imaplib.Time2Internaldate(time.time()), message.as_bytes())
    client.logout()


def _unseen(server: Dovecot) -> int:
    client = imaplib.IMAP4("127.0.0.1", server.port)
    client.login("support", "secret")
    client.select("INBOX")
    _, found = client.search(None, "UNSEEN")
    client.logout()
    return len(found[0].split())


def test_polling_turns_unseen_mail_into_tickets_and_replies_once(app, mailbox, now):
    customer = make_customer()
    from app.services.tickets.opening import open_ticket

    ticket = open_ticket(customer.user, subject="Disk full", description="Help", now=now)
    _append(mailbox, "new@example.test", "Cannot log in", "Password refused.", Message_ID="<i1@example.test>")
    _append(mailbox, customer.email, f"Re: [{ticket.reference}] Disk full", "Still full.")
    _append(mailbox, "vacation@example.test", "Away", "I am away", Auto_Submitted="auto-replied")
    assert poll_mailbox() == {"received": 3, "processed": 2, "kept": 1}
    assert _unseen(mailbox) == 0
    assert poll_mailbox() == {"received": 0, "processed": 0, "kept": 0}
    subjects = db.session.scalars(select(Ticket.subject).order_by(Ticket.id)).all()
    assert subjects == ["Disk full", "Cannot log in"]
    bodies = db.session.scalars(select(Message.body).where(Message.ticket_id == ticket.id)).all()
    assert bodies == ["Still full."]
    assert db.session.scalars(select(InboundMail.source)).all() == ["imap"] * 3


def test_the_scheduler_job_polls_the_mailbox(app, mailbox):
    _append(mailbox, "job@example.test", "Via the job", "Hello")
    job = next(job for job in JOBS if job.id == "mail-imap")
    assert run_job_if_leader(app, job, "only") == {"received": 1, "processed": 1, "kept": 0}


def test_a_wrong_password_is_an_error_not_a_silent_success(app, mailbox):
    app.config["MAIL_IMAP_URL"] = mailbox.url("support").replace(":secret@", ":wrong@")
    with pytest.raises(imaplib.IMAP4.error):
        poll_mailbox()
