"""Mail in through the real SMTP endpoint: threading, reduction, quote cutting, loops, limits."""

from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy import select

from app.domain.mail_text import REPLY_MARKER
from app.domain.vocabulary import AuthorKind, Channel, Status
from app.extensions import db
from app.models import InboundMail, Message, Notification, Ticket, User
from app.services.mail.delivery import deliver_outbox
from app.services.tickets.conversation import add_reply
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer, make_org


def mail(sender: str, subject: str, body: str, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@tierdesk.localhost"
    message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def inbound_rows() -> list[InboundMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(InboundMail).order_by(InboundMail.id)))


def messages_of(ticket_id: int) -> list[Message]:
    db.session.expire_all()
    query = select(Message).where(Message.ticket_id == ticket_id).order_by(Message.id)
    return list(db.session.scalars(query))


def test_a_mail_from_a_stranger_opens_an_email_ticket_for_a_new_unverified_customer(app, inbound):
    inbound.send(
        mail(
            "Dana Doe <Dana@Example.test>", "Fwd: Re: VPN drops", "It drops every hour.", Message_ID="<a1@ex>"
        )
    )
    (row,) = inbound_rows()
    assert (row.status, row.sender, row.reason) == ("processed", "dana@example.test", None)
    ticket = db.session.get(Ticket, row.ticket_id)
    assert (ticket.subject, ticket.channel, ticket.description) == (
        "VPN drops",
        Channel.email,
        "It drops every hour.",
    )
    user = db.session.scalars(select(User).where(User.email == "dana@example.test")).one()
    assert user.email_verified_at is None and user.name == "Dana Doe" and ticket.customer.user_id == user.id
    received = db.session.scalars(select(Notification).where(Notification.kind == "received")).one()
    assert received.recipient_email == "dana@example.test"


def test_the_customer_answers_the_reply_mail_and_it_lands_in_the_ticket(app, inbound, smtp_sink, now):
    customer = make_customer()
    agent = make_agent(tier=1)
    ticket = open_ticket(customer.user, subject="Export broken", description="Nothing happens", now=now)
    add_reply(agent, ticket.id, "Which browser do you use?", status="pending", now=now)
    deliver_outbox()
    reply_mail = smtp_sink.messages[-1]
    answer = mail(
        customer.email,
        "Re: " + reply_mail["Subject"],
        "Firefox 128.\n\n## Reply above this line ##\nOn Mon, 2 Mar 2026, Support wrote:\n> Which browser?",
        In_Reply_To=reply_mail["Message-ID"],
        References=reply_mail["References"] + " " + reply_mail["Message-ID"],
        Message_ID="<answer-1@customer.example>",
    )
    inbound.send(answer)
    last = messages_of(ticket.id)[-1]
    assert (last.author_kind, last.author_id, last.body) == (
        AuthorKind.customer,
        customer.user.id,
        "Firefox 128.",
    )
    db.session.refresh(ticket)
    assert ticket.status != Status.pending  # the customer's answer ends the wait
    inbound.send(answer)  # the same mail again (a re-delivery) is not added twice
    assert len(messages_of(ticket.id)) == 2
    assert inbound_rows()[-1].reason == "already received (same Message-ID)"


def test_an_agent_answering_by_mail_writes_a_public_reply_that_the_customer_gets(
    app, inbound, smtp_sink, now
):
    customer = make_customer()
    agent = make_agent(tier=1, email="agent.smith@example.test")
    ticket = open_ticket(customer.user, subject="Question", description="How?", now=now)
    deliver_outbox()
    received = smtp_sink.messages[0]
    inbound.send(
        mail(agent.email, "Re: x", "Like this.\n\n-- \nAgent Smith", In_Reply_To=received["Message-ID"])
    )
    last = messages_of(ticket.id)[-1]
    assert (last.author_id, last.internal, last.body) == (agent.id, False, "Like this.")
    deliver_outbox()
    assert "Like this." in smtp_sink.messages[-1].get_body(("plain",)).get_content()


def test_a_reply_from_someone_not_on_the_ticket_never_lands_in_it(app, inbound, smtp_sink, now):
    customer = make_customer()
    ticket = open_ticket(customer.user, subject="Private", description="secret", now=now)
    deliver_outbox()
    spoof = mail(
        "Mallory <mallory@evil.example>",
        "Re: Private",
        "Give me access",
        In_Reply_To=smtp_sink.messages[0]["Message-ID"],
    )
    inbound.send(spoof)
    row = inbound_rows()[-1]
    assert row.status == "failed" and "not on" in row.reason and ticket.reference in row.reason
    assert messages_of(ticket.id) == []


def test_the_reference_in_the_subject_threads_the_requester_or_a_colleague_not_a_stranger(app, inbound, now):
    org = make_org()
    customer = make_customer(organization=org)
    colleague = make_customer(organization=org, with_user=False, is_org_admin=True)
    other = make_customer(organization=org)
    ticket = open_ticket(customer.user, subject="Printer", description="Jammed", now=now)
    inbound.send(mail(customer.email, f"Re: [{ticket.reference}] Printer", "Still jammed"))
    assert [m.body for m in messages_of(ticket.id)] == ["Still jammed"]
    inbound.send(mail("stranger@example.test", f"[{ticket.reference}] Printer", "Me too"))
    assert len(messages_of(ticket.id)) == 1
    newest = db.session.scalars(select(Ticket).where(Ticket.subject == "Printer").order_by(Ticket.id)).all()[
        -1
    ]
    assert newest.id != ticket.id
    inbound.send(mail(colleague.email, f"[{ticket.reference}] Printer", "Same here"))
    assert inbound_rows()[-1].ticket_id == ticket.id  # an organization admin sees its tickets
    inbound.send(mail(other.email, f"[{ticket.reference}] Printer", "And me"))
    assert inbound_rows()[-1].ticket_id not in (None, ticket.id)  # a colleague who cannot see it


def test_html_only_mail_is_reduced_to_safe_text(app, inbound):
    message = EmailMessage()
    message["From"] = "html@example.test"
    message["Subject"] = "Styled"
    message.set_content(
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
        "<body><p>Hello <b>team</b>,</p><p>see <a href='https://example.test/x'>this</a></p></body></html>",
        subtype="html",
    )
    inbound.send(message)
    ticket = db.session.get(Ticket, inbound_rows()[-1].ticket_id)
    assert ticket.description == "Hello team,\n\nsee this (https://example.test/x)"


def test_automatic_mail_is_recognised_and_never_answered(app, inbound, smtp_sink, now):
    customer = make_customer(email="loop@example.test")
    open_ticket(customer.user, subject="Hello", description="x", now=now)
    deliver_outbox()
    ours = smtp_sink.messages[0]
    auto = mail(
        customer.email,
        "Out of office",
        "I am away",
        Auto_Submitted="auto-replied",
        In_Reply_To=ours["Message-ID"],
    )
    bulk = mail("news@example.test", "Newsletter", "Buy now", Precedence="bulk")
    daemon = mail("MAILER-DAEMON@example.test", "Undelivered Mail Returned to Sender", "bounce")
    own = mail(app.config["MAIL_FROM"], "Echo", "our own mail")
    for _ in range(3):  # an autoresponder answering again and again
        inbound.send(auto)
    for item in (bulk, daemon, own):
        inbound.send(item)
    returned = EmailMessage()
    returned["From"] = "someone@example.test"
    returned["Subject"] = ours["Subject"]
    returned["Message-ID"] = ours["Message-ID"]
    returned.set_content("our mail came back")
    inbound.send(returned)
    rows = inbound_rows()
    assert [r.status for r in rows] == ["ignored"] * 7
    assert "Auto-Submitted" in rows[0].reason and "Precedence" in rows[3].reason
    assert "mail system" in rows[4].reason and "own address" in rows[5].reason and "loop" in rows[6].reason
    assert all(r.raw is not None for r in rows)  # kept, not lost
    assert db.session.scalar(select(db.func.count(Ticket.id))) == 1
    assert deliver_outbox().sent == 0  # nothing answered


def test_a_delivery_report_is_a_bounce_and_not_a_ticket(app, inbound):
    raw = (
        b"From: MAILER-DAEMON <postmaster@mx.example.test>\r\nTo: support@tierdesk.localhost\r\n"
        b"Subject: Delivery Status Notification (Failure)\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        b"Final-Recipient: rfc822; x@example.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b--\r\n"
    )
    inbound.send(raw)
    row = inbound_rows()[-1]
    assert row.status == "ignored" and "bounce" in row.reason


def test_the_per_sender_rate_limit_keeps_the_excess_for_an_admin(app, inbound, login_as):
    app.config["MAIL_SENDER_PER_HOUR"] = 2
    try:
        for n in range(3):
            inbound.send(mail("chatty@example.test", f"Question {n}", "?"))
    finally:
        app.config["MAIL_SENDER_PER_HOUR"] = 30
    rows = inbound_rows()
    assert [r.status for r in rows] == ["processed", "processed", "failed"]
    assert "more than 2 mails in an hour" in rows[2].reason
    client = login_as(make_admin())
    page = client.get("/admin/mail/").get_data(as_text=True)
    assert "chatty@example.test" in page and "Process again" in page
    assert client.post(f"/admin/mail/inbound/{rows[2].id}/reprocess").status_code == 302
    rows = inbound_rows()
    assert rows[2].status == "reprocessed" and rows[3].status == "processed" and rows[3].ticket_id


def test_a_mail_from_an_agent_that_answers_no_ticket_is_kept(app, inbound):
    agent = make_agent(tier=1)
    inbound.send(mail(agent.email, "Random", "hello"))
    row = inbound_rows()[-1]
    assert row.status == "failed" and "answers no ticket" in row.reason


def test_a_follow_up_to_the_customers_own_mail_threads_by_its_message_id(app, inbound):
    inbound.send(mail("eve@example.test", "First", "One", Message_ID="<first@eve.example>"))
    ticket_id = inbound_rows()[-1].ticket_id
    inbound.send(mail("eve@example.test", "Also", "Two", References="<first@eve.example>"))
    assert inbound_rows()[-1].ticket_id == ticket_id
    assert [m.body for m in messages_of(ticket_id)] == ["Two"]


def test_a_contact_who_never_signed_in_gets_a_login_on_their_own_record(app, inbound):
    contact = make_customer(with_user=False, email="lee@example.test", name="Lee Contact")
    inbound.send(mail("lee@example.test", "Invoice copy", "Please send the March invoice."))
    (row,) = inbound_rows()
    ticket = db.session.get(Ticket, row.ticket_id)
    db.session.refresh(contact)
    assert row.status == "processed" and ticket.customer_id == contact.id
    assert contact.user is not None and contact.user.email == "lee@example.test"
    assert ticket.organization_id == contact.organization_id
    assert db.session.scalars(select(User).where(User.email == "lee@example.test")).one() is contact.user


def test_every_mail_that_invites_an_answer_has_the_marker_and_an_answer_is_cut_there(
    app, inbound, smtp_sink, now
):
    customer = make_customer()
    agent = make_agent(tier=1)
    ticket = open_ticket(customer.user, subject="Export broken", description="Nothing happens", now=now)
    add_reply(agent, ticket.id, "Fixed it: clear the cache.", status="solved", now=now)
    deliver_outbox()
    received, reply, solved = (m for m in smtp_sink.messages if m["To"] == customer.email)
    assert "Solved" in solved["Subject"]
    for sent in (received, reply, solved):
        text = sent.get_body(("plain",)).get_content()
        assert text.splitlines()[0] == REPLY_MARKER, sent["Subject"]
        assert REPLY_MARKER in sent.get_body(("html",)).get_content(), sent["Subject"]
    # A client that puts the whole mail below the answer, unquoted and with no "wrote:" line.
    original = solved.get_body(("plain",)).get_content()
    inbound.send(
        mail(
            customer.email,
            "Re: " + solved["Subject"],
            "It broke again after lunch.\n\n" + original,
            In_Reply_To=solved["Message-ID"],
        )
    )
    last = messages_of(ticket.id)[-1]
    assert (last.author_kind, last.body) == (AuthorKind.customer, "It broke again after lunch.")
    db.session.refresh(ticket)
    assert ticket.status != Status.solved  # the answer reopened it


# A reply by mail took 10 statements in 3 flushes (its message flushed for its id, the setup
# versions read on their own with the history pending). Now: BEGIN, one SELECT of the sender, the
# mail's history, the setup versions and the reply's id, the ticket (locked), its clocks, and one
# flush: the message, the history, the ticket's UPDATE, the mail's record; then its Message-ID.
REPLY_BY_MAIL_STATEMENTS = 9


def test_a_reply_by_mail_stays_within_its_statement_budget(app, inbound, now):
    from sqlalchemy import event

    customer = make_customer()
    ticket = open_ticket(customer.user, subject="Export broken", description="Nothing happens", now=now)
    inbound.send(mail(customer.email, f"[{ticket.reference}] Export", "Warm up", Message_ID="<w@c.example>"))
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        inbound.send(mail(customer.email, "Re: Export", "Still broken.", In_Reply_To="<w@c.example>"))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    last = messages_of(ticket.id)[-1]
    assert (last.author_kind, last.body) == (AuthorKind.customer, "Still broken.")
    assert inbound_rows()[-1].status == "processed"
    assert len(statements) <= REPLY_BY_MAIL_STATEMENTS, "\n".join(statements)
