"""A customer hears of an agent's reply by mail, answers it by mail, and the answer shows in
the portal and on the desk. The mail goes through a real SMTP sink and the real inbound endpoint."""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage

import pytest

from app.demo.data import CUSTOMER_EMAIL
from app.services.mail.delivery import deliver_outbox
from tests.mail_servers import SmtpSink, started_inbound

pytestmark = pytest.mark.browser

QUESTION = "Which backup target do you use?"
ANSWER = "We back up to the NAS in the basement."


def _answer_to(mail: EmailMessage) -> bytes:
    answer = EmailMessage()
    answer["From"] = f"Demo Customer <{CUSTOMER_EMAIL}>"
    answer["To"] = str(mail["From"])
    answer["Subject"] = "Re: " + str(mail["Subject"])
    answer["In-Reply-To"] = str(mail["Message-ID"])
    answer["References"] = f"{mail['References'] or ''} {mail['Message-ID']}".strip()
    quoted = "\n".join("> " + line for line in mail.get_body(("plain",)).get_content().splitlines())
    answer.set_content(f"{ANSWER}\n\nOn Monday, Tierdesk Support wrote:\n{quoted}\n")
    return answer.as_bytes()


def test_a_customer_answers_the_reply_mail_by_mail(journey, live_server, server_app, server_db):
    customer = journey("customer")
    page = customer.page
    customer.sign_in(CUSTOMER_EMAIL)
    customer.menu("New request")
    page.get_by_label("Subject").fill("Backups stopped")
    page.get_by_label("What happened?").fill("The nightly backup has not run since Monday.")
    page.get_by_role("button", name="Send request").click()
    page.get_by_text(re.compile(r"Request TD-\d+ received")).wait_for()
    ticket_id = int(re.search(r"/portal/tickets/(\d+)", page.url).group(1))
    customer.step("request opened")

    agent = journey("frontline")
    agent.sign_in("frontline@demo.test")
    agent.page.goto(f"/desk/tickets/{ticket_id}")
    agent.page.get_by_label("Message").fill(QUESTION)
    agent.page.get_by_label("Status", exact=True).select_option("pending")
    agent.page.get_by_role("button", name="Send reply").click()
    agent.page.get_by_text("Reply sent.").wait_for()
    agent.step("asked by the frontline")

    sink = SmtpSink().start()
    endpoint, port = started_inbound(server_app)
    saved = server_app.config["MAIL_URL"]
    server_app.config["MAIL_URL"] = sink.url
    try:
        deliver_outbox()
        reply = next(m for m in sink.messages if QUESTION in m.get_body(("plain",)).get_content())
        assert reply["To"] == CUSTOMER_EMAIL and re.search(r"\[TD-\d+\]", reply["Subject"])
        portal_link = re.search(
            r"http\S+/portal/tickets/\d+", reply.get_body(("plain",)).get_content()
        ).group(0)
        assert portal_link == f"{live_server.url}/portal/tickets/{ticket_id}"
        page.goto(portal_link)  # the customer follows the link in the mail
        page.get_by_text(QUESTION).wait_for()
        customer.step("reply mail opened")
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
            client.sendmail(CUSTOMER_EMAIL, ["support@tierdesk.localhost"], _answer_to(reply))
    finally:
        server_app.config["MAIL_URL"] = saved
        endpoint.stop()
        sink.stop()

    page.reload()
    page.get_by_text(ANSWER).wait_for()
    assert page.get_by_text("On Monday, Tierdesk Support wrote").count() == 0  # the quote was cut
    customer.step("answer in the portal")
    agent.page.reload()
    agent.page.get_by_text(ANSWER).wait_for()
    agent.step("answer on the desk")
