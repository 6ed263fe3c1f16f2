"""Mail out, received by a real SMTP server: headers, both parts, threading, links from BASE_URL."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.domain.vocabulary import Status
from app.extensions import db
from app.models import Activity, CsatAnswer, MailId, MailMute, Notification
from app.services.mail.delivery import deliver_outbox
from app.services.tickets.conversation import add_reply
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer, make_team, make_ticket, signed_in


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", text)


def test_a_verification_mail_ignores_a_forged_host_and_links_to_base_url(app, client, smtp_sink):
    client.post(
        "/auth/register",
        headers={"Host": "attacker.example"},
        data={
            "name": "Ada",
            "email": "ada@example.test",
            "password": "long-enough-1",
            "confirm": "long-enough-1",
        },
    )
    assert deliver_outbox().sent == 1
    (mail,) = smtp_sink.messages
    assert mail["To"] == "ada@example.test"
    assert mail["From"].addresses[0].addr_spec == app.config["MAIL_FROM"]
    assert mail["Auto-Submitted"] == "auto-generated"
    assert re.fullmatch(r"<td\.\d+\.[0-9a-f]{16}@[^>]+>", mail["Message-ID"])
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for part in (text, html):
        links = _links(part)
        assert links and all(link.startswith(app.config["BASE_URL"] + "/auth/verify/") for link in links)
        assert "attacker.example" not in part
    token = _links(text)[0].rsplit("/", 1)[1]
    assert client.get(f"/auth/verify/{token}").status_code == 302


def test_a_reset_link_is_built_from_base_url_whatever_the_host(app, client, smtp_sink):
    make_customer(email="bob@example.test")
    client.post("/auth/forgot", headers={"Host": "evil.example"}, data={"email": "bob@example.test"})
    deliver_outbox()
    text = smtp_sink.messages[0].get_body(("plain",)).get_content()
    assert _links(text)[0].startswith(app.config["BASE_URL"] + "/auth/reset/")
    assert "evil.example" not in smtp_sink.messages[0].as_string()


def test_a_ticket_thread_carries_reference_message_ids_and_the_agents_reply(app, smtp_sink, now):
    customer = make_customer()
    agent = make_agent(tier=1)
    ticket = open_ticket(customer.user, subject="Printer on fire", description="Smoke everywhere", now=now)
    add_reply(agent, ticket.id, "Unplug it, please.\nThen call us.", now=now + timedelta(minutes=5))
    assert deliver_outbox().sent == 2
    received, reply = smtp_sink.messages
    assert received["Subject"] == f"[{ticket.reference}] We received your request: Printer on fire"
    assert received["Auto-Submitted"] == "auto-generated"
    assert ticket.reference in received.get_body(("plain",)).get_content()
    assert reply["Subject"] == f"[{ticket.reference}] Printer on fire"
    assert reply["Auto-Submitted"] is None  # a person wrote it
    assert reply["In-Reply-To"] == received["Message-ID"]
    assert received["Message-ID"] in reply["References"]
    assert "Unplug it, please." in reply.get_body(("plain",)).get_content()
    assert "Unplug it, please." in reply.get_body(("html",)).get_content()
    stored = db.session.scalars(select(MailId).where(MailId.ticket_id == ticket.id).order_by(MailId.id)).all()
    assert [f"<{m.message_id}>" for m in stored] == [received["Message-ID"], reply["Message-ID"]]
    assert stored[1].ticket_message_id is not None


def test_one_connection_carries_a_batch_and_each_message_goes_once(app, smtp_sink, now):
    customer = make_customer()
    for n in range(5):
        open_ticket(customer.user, subject=f"Question {n}", description="?", now=now)
    assert deliver_outbox().sent == 5
    assert deliver_outbox().sent == 0
    assert smtp_sink.handler.sessions == 1
    assert [m["Subject"].split("Question ")[1] for m in smtp_sink.messages] == ["0", "1", "2", "3", "4"]


def _notice(email: str, subject: str, body: str, now, ticket_id: int | None = None) -> Notification:
    return Notification(
        ticket_id=ticket_id,
        recipient_kind="user",
        recipient_email=email,
        subject=subject,
        body=body,
        kind="notice",
        created_at=now,
    )


def test_a_batch_larger_than_one_group_of_marks_is_sent_once_and_marked_in_order(app, smtp_sink, now):
    from app.services.mail.delivery import MARK_EVERY

    customer = make_customer()
    ticket = make_ticket(customer)
    count = MARK_EVERY * 2 + 3
    db.session.add_all(
        _notice(customer.email, f"Notice {n}", "Something happened.", now, ticket_id=ticket.id)
        for n in range(count)
    )
    db.session.commit()
    assert deliver_outbox().sent == count
    assert deliver_outbox().sent == 0
    sent = db.session.execute(
        select(Notification.mail_message_id, Notification.claim_token).order_by(Notification.id)
    ).all()
    assert [f"<{mid}>" for mid, _ in sent] == [m["Message-ID"] for m in smtp_sink.messages]
    assert all(token is None for _, token in sent)
    stored = db.session.scalar(select(func.count()).where(MailId.ticket_id == ticket.id))
    assert stored == count
    # Each mail threads under all the earlier ones of the batch.
    assert smtp_sink.messages[-1]["In-Reply-To"] == smtp_sink.messages[-2]["Message-ID"]


def test_a_subject_outside_ascii_a_line_break_and_a_long_thread_arrive_whole(app, smtp_sink, now):
    customer = make_customer()
    ticket = make_ticket(customer, subject="Drucker läuft nicht — 打印机")
    long_ids = [f"{'x' * 200}.{n}@example.test" for n in range(12)]
    db.session.add_all(
        MailId(message_id=mid, ticket_id=ticket.id, outbound=False, address=customer.email, created_at=now)
        for mid in long_ids
    )
    db.session.add(_notice(customer.email, "Drucker läuft nicht — 打印机", "Grüße", now, ticket_id=ticket.id))
    db.session.add(_notice(customer.email, "Printer\r\nBcc: victim@example.test", "Hello", now))
    db.session.commit()
    assert deliver_outbox().sent == 2
    mail, injected = smtp_sink.messages
    assert mail["Subject"] == f"[{ticket.reference}] Drucker läuft nicht — 打印机"
    assert injected["Subject"] == "Printer Bcc: victim@example.test" and injected["Bcc"] is None
    assert mail["In-Reply-To"] == f"<{long_ids[-1]}>"
    references = mail["References"].split()
    assert references == [f"<{long_ids[0]}>", *[f"<{mid}>" for mid in long_ids[-9:]]]
    assert "Grüße" in mail.get_body(("plain",)).get_content()
    assert all(len(line) <= 998 for line in smtp_sink.raw[0].split(b"\r\n"))


def test_a_refused_address_fails_for_good_and_a_busy_one_is_retried_later(app, smtp_sink, now, login_as):
    bad = make_customer(email="bad@example.test")
    later = make_customer(email="later@example.test")
    open_ticket(bad.user, subject="One", description="x", now=now)
    open_ticket(later.user, subject="Two", description="x", now=now)
    counts = deliver_outbox()
    assert (counts.sent, counts.failed, counts.retrying) == (0, 1, 1)
    failed = db.session.scalars(
        select(Notification).where(Notification.recipient_email == "bad@example.test")
    ).one()
    assert failed.failed_at is not None and failed.failure.startswith("550")
    waiting = db.session.scalars(
        select(Notification).where(Notification.recipient_email == "later@example.test")
    ).one()
    assert waiting.failed_at is None and waiting.attempts == 1 and waiting.failure.startswith("451")
    assert waiting.next_attempt_at > waiting.created_at
    assert deliver_outbox().retrying == 0  # not due again yet

    client = login_as(make_admin())
    page = client.get("/admin/mail/").get_data(as_text=True)
    assert "bad@example.test" in page and "550" in page and "later@example.test" not in page
    assert client.post(f"/admin/mail/deliveries/{failed.id}/retry").status_code == 302
    db.session.refresh(failed)
    assert failed.failed_at is None and failed.attempts == 0


def test_the_mail_admin_page_is_for_admins_only(app, login_as):
    client = login_as(make_agent(tier=4))
    assert client.get("/admin/mail/").status_code == 403


def test_a_held_notice_leaves_at_its_not_before(app, smtp_sink, now):
    ticket = make_ticket()
    later = now + timedelta(hours=12)
    db.session.add(
        Notification(
            ticket_id=ticket.id,
            recipient_kind="team",
            recipient_email="night@example.test",
            subject="SLA breached",
            body="Look at it",
            kind="sla",
            not_before=later,
            created_at=now,
        )
    )
    db.session.commit()
    assert deliver_outbox(now).sent == 0
    assert deliver_outbox(later).sent == 1
    assert smtp_sink.messages[0]["Subject"] == f"[{ticket.reference}] SLA breached"


def test_an_agent_who_muted_a_kind_does_not_get_it(app, smtp_sink, now):
    team = make_team(tier=1)
    agent = make_agent(tier=1, team_id=team.id)
    boss = make_agent(tier=2)
    ticket = make_ticket(team_id=team.id)
    db.session.add(MailMute(user_id=agent.id, kind="assigned"))
    db.session.commit()
    from app.services.tickets.changes import assign_ticket

    assign_ticket(boss, ticket.id, assignee_id=agent.id, now=now)
    counts = deliver_outbox()
    assert (counts.sent, counts.muted) == (0, 1)
    db.session.execute(MailMute.__table__.delete())
    db.session.commit()
    assign_ticket(boss, ticket.id, assignee_id=None, now=now)
    assign_ticket(boss, ticket.id, assignee_id=agent.id, now=now)
    assert deliver_outbox().sent == 1
    assert "assigned to you" in smtp_sink.messages[0]["Subject"]
    assert _links(smtp_sink.messages[0].get_body(("plain",)).get_content())[0] == (
        f"{app.config['BASE_URL']}/desk/tickets/{ticket.id}"
    )


def test_the_solved_mail_rates_with_one_click_into_csat_and_history(app, client, smtp_sink, now):
    customer = make_customer()
    agent = make_agent(tier=1)
    ticket = make_ticket(customer)
    add_reply(agent, ticket.id, "Fixed it.", status="solved", now=now)
    deliver_outbox()
    solved = next(m for m in smtp_sink.messages if "Solved" in m["Subject"])
    links = [link for link in _links(solved.get_body(("plain",)).get_content()) if "/mail/rate/" in link]
    assert len(links) == 5
    four = next(link for link in links if link.endswith("/4"))
    assert client.get(four.removeprefix(app.config["BASE_URL"])).status_code == 200
    answer = db.session.scalars(select(CsatAnswer)).one()
    assert (answer.ticket_id, answer.rating) == (ticket.id, 4)
    kinds = db.session.scalars(select(Activity.kind).where(Activity.ticket_id == ticket.id)).all()
    assert "csat_received" in kinds
    forged = four.rsplit("/", 1)[0] + "x/5"
    assert client.get(forged.removeprefix(app.config["BASE_URL"])).status_code == 400


def test_a_request_waiting_on_the_customer_is_reminded_once(app, smtp_sink, now):
    from app.services.mail.reminders import queue_reminders

    ticket = make_ticket(status=Status.pending, updated_at=now - timedelta(days=4))
    assert queue_reminders(now) == {"reminded": 1, "vendor_due": 0}
    assert queue_reminders(now + timedelta(hours=1)) == {"reminded": 0, "vendor_due": 0}
    deliver_outbox()
    assert "waiting for your answer" in smtp_sink.messages[0]["Subject"]
    assert ticket.reference in smtp_sink.messages[0]["Subject"]


def test_without_mail_url_mail_lands_in_the_catchall_and_its_page(app, client, tmp_path, now, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_URL", "")
    monkeypatch.setitem(app.config, "MAIL_CATCHALL_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_CATCHALL_PAGE", True)
    customer = make_customer()
    open_ticket(customer.user, subject="Hello there", description="x", now=now)
    assert deliver_outbox().sent == 1
    (eml,) = list(tmp_path.glob("*.eml"))
    assert b"Hello there" in eml.read_bytes()
    index = client.get("/dev/mail/").get_data(as_text=True)
    assert "Hello there" in index
    page = client.get(f"/dev/mail/{eml.name}").get_data(as_text=True)
    assert app.config["BASE_URL"] + "/portal/tickets/" in page
    assert client.get("/dev/mail/..%2Fsecret.eml").status_code == 404
    assert client.get("/dev/mail/", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404
    monkeypatch.setitem(app.config, "MAIL_CATCHALL_PAGE", False)
    assert client.get("/dev/mail/").status_code == 404


def test_every_queued_row_keeps_its_place_until_sent(app, smtp_sink, now):
    customer = make_customer()
    for n in range(3):
        open_ticket(customer.user, subject=f"Q{n}", description="x", now=now)
    deliver_outbox()
    assert db.session.scalar(select(func.count()).where(Notification.sent_at.is_(None))) == 0
    assert signed_in(app, customer.user).get("/portal/").status_code == 200


def test_an_agent_chooses_the_notices_they_get_by_mail(app, login_as):
    agent = make_agent(tier=1)
    client = login_as(agent)
    page = client.get("/desk/mail/").get_data(as_text=True)
    assert page.count("checked") == 5
    assert client.post("/desk/mail/", data={"kinds": ["assigned", "sla"]}).status_code == 303
    muted = set(db.session.scalars(select(MailMute.kind).where(MailMute.user_id == agent.id)))
    assert muted == {"escalated", "rule", "vendor_due"}
    assert client.post("/desk/mail/", data={"kinds": ["nonsense"]}).status_code == 400
    customer = make_customer()
    assert signed_in(app, customer.user).get("/desk/mail/").status_code == 403
