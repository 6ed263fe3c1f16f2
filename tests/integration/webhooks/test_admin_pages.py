"""The admin pages for webhooks: create with a generated secret, edit, pause, resume, delete,
the delivery log with redelivery; bad input is a form error, other people are kept out, and
every form needs its CSRF token."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import WebhookDelivery, WebhookSubscription
from app.services.tickets.opening import open_ticket
from app.services.webhooks.delivery import deliver_webhooks
from tests.factories import make_agent, make_customer
from tests.integration.webhooks.conftest import subscribe
from tests.webhook_receiver import Receiver


def _count() -> int:
    """Webhooks not deleted (a deleted one keeps its row, out of every list)."""
    return db.session.scalar(select(func.count()).where(WebhookSubscription.deleted_at.is_(None)))


def test_an_admin_creates_a_webhook_and_sees_its_secret(admin, login_as):
    client = login_as(admin)
    assert client.get("/admin/webhooks/").status_code == 200
    form = client.get("/admin/webhooks/new").get_data(as_text=True)
    assert 'value="ticket.created"' in form and 'value="vendor.overdue"' in form
    response = client.post(
        "/admin/webhooks/new",
        data={"url": "https://hooks.example.test/in", "events": ["ticket.created", "sla.breached"]},
    )
    assert response.status_code == 302
    subscription = db.session.scalars(select(WebhookSubscription)).one()
    assert subscription.events == ["ticket.created", "sla.breached"] and subscription.owner_id == admin.id
    assert re.fullmatch(r"whsec_[0-9a-f]{48}", subscription.secret)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert subscription.secret in page and "Tierdesk-Signature" in page
    listing = client.get("/admin/webhooks/").get_data(as_text=True)
    assert "https://hooks.example.test/in" in listing and "SLA breached" in listing


def test_bad_input_is_a_form_error_and_keeps_what_was_typed(admin, login_as):
    client = login_as(admin)
    for data, message in (
        ({"url": "ftp://files.example.test/x", "events": ["ticket.created"]}, "must start with http"),
        ({"url": "https://user:pw@example.test/x", "events": ["ticket.created"]}, "no user name"),
        ({"url": "https://example.test/x", "description": "kept text"}, "Choose at least one event"),
        ({"url": "https://example.test/x", "events": ["ticket.deleted"]}, "Choose at least one event"),
        ({"url": "", "events": ["ticket.created"]}, "Give the URL"),
    ):
        response = client.post("/admin/webhooks/new", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and message in page
        assert data["url"].replace("&", "&amp;") in page
    assert "kept text" in client.post("/admin/webhooks/new", data={"description": "kept text"}).get_data(
        as_text=True
    )
    assert _count() == 0


def test_an_admin_edits_pauses_resumes_and_deletes(admin, login_as, now):
    subscription = subscribe(admin, "https://hooks.example.test/a")
    client = login_as(admin)
    base = f"/admin/webhooks/{subscription.id}"
    edited = client.post(
        f"{base}/edit", data={"url": "https://hooks.example.test/b", "events": ["csat.received"]}
    )
    assert edited.status_code == 302
    client.post(f"{base}/pause")
    db.session.expire_all()
    assert not subscription.active and subscription.paused_reason == f"Paused by {admin.name}"
    assert "when resumed" not in client.get(base).get_data(as_text=True)  # nothing waits yet
    client.post(f"{base}/resume")
    db.session.expire_all()
    assert subscription.active and subscription.url == "https://hooks.example.test/b"
    assert subscription.events == ["csat.received"]
    assert client.post(f"{base}/delete").status_code == 302  # unconfirmed: kept
    assert _count() == 1
    client.post(f"{base}/delete", data={"confirm": "yes"})
    assert _count() == 0
    assert client.get(base).status_code == 404


def test_the_log_shows_each_delivery_and_redelivers_one(admin, login_as, now):
    with Receiver(answers=[500]) as receiver:
        subscription = subscribe(admin, receiver.url)
        open_ticket(make_customer().user, subject="Hello", description="x", now=now)
        deliver_webhooks(now)
        client = login_as(admin)
        page = client.get(f"/admin/webhooks/{subscription.id}").get_data(as_text=True)
        assert "failed" in page and "HTTP 500" in page and "ms" in page
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        assert delivery.event_id in page
        client.post(f"/admin/webhooks/deliveries/{delivery.id}/redeliver")
        assert deliver_webhooks(now).delivered == 1
        page = client.get(f"/admin/webhooks/{subscription.id}").get_data(as_text=True)
        assert "delivered" in page and len(receiver.requests) == 2


def test_people_other_than_admins_are_kept_out(admin, login_as):
    subscription = subscribe(admin, "https://hooks.example.test/a")
    client = login_as(make_agent(tier=4))
    assert client.get("/admin/webhooks/").status_code == 403
    assert client.get(f"/admin/webhooks/{subscription.id}").status_code == 403
    assert client.post(f"/admin/webhooks/{subscription.id}/pause").status_code == 403
    db.session.expire_all()
    assert subscription.active


def test_every_webhook_form_needs_its_csrf_token(app, admin, login_as, monkeypatch):
    subscription = subscribe(admin, "https://hooks.example.test/a")
    client = login_as(admin)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    base = f"/admin/webhooks/{subscription.id}"
    for path, data in (
        ("/admin/webhooks/new", {"url": "https://x.example.test", "events": ["ticket.created"]}),
        (f"{base}/edit", {"url": "https://x.example.test", "events": ["ticket.created"]}),
        (f"{base}/pause", {}),
        (f"{base}/delete", {"confirm": "yes"}),
    ):
        assert client.post(path, data=data).status_code in (400, 302)
    db.session.expire_all()
    assert _count() == 1 and subscription.active and subscription.url == "https://hooks.example.test/a"
