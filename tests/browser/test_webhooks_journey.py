"""An admin subscribes a local receiver to new tickets, copies the signing secret, watches a
failed delivery in the log, sends it again by hand, then pauses and resumes the webhook."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, WebhookSubscription
from app.services.tickets.opening import open_ticket
from app.services.webhooks.delivery import deliver_webhooks
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.browser


def test_admin_subscribes_a_receiver_and_redelivers_a_failed_event(journey, live_server, server_db):
    admin = journey("admin")
    page = admin.page
    admin.sign_in("admin@demo.test")
    with Receiver(answers=[503]) as receiver:
        page.goto("/admin/")
        page.get_by_role("navigation", name="Admin").get_by_role("link", name="Webhooks").click()
        page.get_by_role("heading", level=1, name="Webhooks").wait_for()
        admin.step("webhooks")
        page.get_by_role("link", name="New webhook").click()
        page.get_by_label("Payload URL").fill(receiver.url)
        page.get_by_label("Description").fill("Chat alerts")
        page.get_by_label("Status changed").check()
        admin.step("new webhook")
        page.get_by_role("button", name="Create webhook").click()
        page.get_by_text("Webhook created. Its signing secret is below.").wait_for()
        page.get_by_text("Show secret").click()
        subscription = db.session.scalars(
            select(WebhookSubscription).where(WebhookSubscription.url == receiver.url)
        ).one()
        assert page.get_by_text(subscription.secret).is_visible()
        assert subscription.events == ["ticket.created", "ticket.status_changed"]
        admin.step("webhook created")

        customer = db.session.scalars(select(Customer).where(Customer.user_id.is_not(None))).first()
        ticket = open_ticket(customer.user, subject="Webhook journey", description="x")
        reference = ticket.reference
        assert deliver_webhooks().retrying == 1
        db.session.remove()
        page.reload()
        page.get_by_text("HTTP 503").wait_for()
        admin.step("a failed delivery")
        page.get_by_role("button", name="Redeliver").click()
        page.get_by_text("is queued to be sent again").wait_for()
        assert deliver_webhooks().delivered == 1
        db.session.remove()
        page.reload()
        page.get_by_text("delivered 200").wait_for()
        admin.step("redelivered")

        page.get_by_role("button", name="Pause").click()
        page.get_by_text("Webhook paused").wait_for()
        page.get_by_text("Paused by").wait_for()
        admin.step("paused")
        page.get_by_role("button", name="Resume").click()
        page.get_by_text("Webhook resumed").wait_for()
        page.get_by_role("link", name="Webhooks", exact=True).click()
        page.get_by_role("row").filter(has_text="Chat alerts").get_by_text("active").wait_for()
        admin.step("webhooks listed")
    events = [json.loads(r.body) for r in receiver.requests]
    assert [e["ticket"]["reference"] for e in events] == [reference, reference]
    assert events[0]["id"] == events[1]["id"]
