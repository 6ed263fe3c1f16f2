"""Every kind of event is raised by the service where it happens, in its transaction; an event
nobody listens to costs no SQL statement; the sweep's events go in with its batch's INSERTs."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import g
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from app.domain.webhooks import WebhookEvent
from app.extensions import db
from app.models import Ticket, WebhookDelivery
from app.services.sweep.sweep import sweep_sla
from app.services.tickets.changes import change_status, change_tier
from app.services.tickets.conversation import add_reply
from app.services.tickets.opening import open_ticket
from app.services.tickets.ratings import rate_ticket
from app.services.tickets.vendor_overdue import notify_overdue_vendors
from app.services.webhooks.delivery import deliver_webhooks
from app.services.webhooks.events import emit
from app.services.webhooks.subscriptions import delete_subscription, set_active
from tests.factories import make_agent, make_customer, make_team
from tests.integration.services.test_sla import policy  # noqa: F401 (a fixture)
from tests.integration.webhooks.conftest import subscribe
from tests.webhook_receiver import Receiver

ALL = [kind.value for kind in WebhookEvent]


def _events(since: int = 0) -> list[tuple[str, dict]]:
    rows = db.session.execute(
        select(WebhookDelivery.event_type, WebhookDelivery.payload)
        .where(WebhookDelivery.id > since)
        .order_by(WebhookDelivery.id)
    )
    return [(kind, json.loads(payload)) for kind, payload in rows]


def _last_id() -> int:
    return db.session.scalar(select(func.max(WebhookDelivery.id))) or 0


def test_each_kind_of_event_comes_from_its_service(admin, now, policy):  # noqa: F811
    subscribe(admin, "http://127.0.0.1:9/all", ALL)
    customer = make_customer()
    agent = make_agent(tier=2)

    ticket = open_ticket(customer.user, subject="Export broken", description="x", now=now)
    [(kind, created)] = _events()
    assert kind == "ticket.created" and created["ticket"]["reference"] == ticket.reference

    mark = _last_id()
    add_reply(agent, ticket.id, "Which browser?", status="pending", now=now + timedelta(minutes=5))
    kinds = {kind: body["data"] for kind, body in _events(mark)}
    assert kinds["ticket.replied"]["author"] == "agent"
    assert kinds["ticket.status_changed"] == {"from": "new", "to": "pending"}

    mark = _last_id()
    add_reply(customer.user, ticket.id, "Firefox", now=now + timedelta(minutes=6))
    kinds = {kind: body["data"] for kind, body in _events(mark)}
    assert kinds["ticket.replied"]["author"] == "customer"
    assert kinds["ticket.status_changed"] == {"from": "pending", "to": "open"}

    mark = _last_id()
    change_tier(
        agent, ticket.id, 2, "a closer look", reason_code="needs_expertise", now=now + timedelta(minutes=7)
    )
    [(kind, moved)] = [(k, b) for k, b in _events(mark) if k == "ticket.tier_changed"]
    assert moved["data"]["from"] == 1 and moved["data"]["to"] == 2 and moved["ticket"]["tier"] == 2

    mark = _last_id()
    change_status(agent, ticket.id, "solved", now=now + timedelta(minutes=8))
    rate_ticket(customer.user, ticket.id, 4, "Quick, thanks", now=now + timedelta(minutes=9))
    kinds = {kind: body for kind, body in _events(mark)}
    assert kinds["ticket.status_changed"]["data"] == {"from": "open", "to": "solved"}
    assert kinds["csat.received"]["data"] == {"rating": 4, "comment": "Quick, thanks"}

    # The sweep: a fresh ticket's first response is warned of at half time, then breached.
    late = open_ticket(customer.user, subject="Nobody answers", description="x", now=now)
    mark = _last_id()
    sweep_sla(now + timedelta(minutes=16))
    [(kind, warned)] = _events(mark)
    assert kind == "sla.warning" and warned["ticket"]["id"] == late.id
    assert warned["data"]["target"] == "first_response"
    mark = _last_id()
    sweep_sla(now + timedelta(minutes=31))
    kinds = [kind for kind, _ in _events(mark)]
    assert "sla.breached" in kinds

    # A vendor past its due time.
    vendor = make_team(name="CloudCo", tier=4, is_external=True, vendor_target_hours=8)
    expert = make_agent(tier=4)
    held = change_tier(
        expert, late.id, 4, "provider bug", reason_code="vendor_issue", vendor_team_id=vendor.id, now=now
    )
    mark = _last_id()
    assert notify_overdue_vendors(held.vendor_due_at + timedelta(minutes=1)) == 1
    [(kind, overdue)] = _events(mark)
    assert kind == "vendor.overdue" and overdue["data"]["vendor"] == "CloudCo"

    seen = {kind for kind, _ in _events()}
    assert seen == set(ALL)
    ids = [body["id"] for _, body in _events()]
    assert len(ids) == len(set(ids))  # every event its own idempotency id


def test_an_event_goes_to_each_listening_subscription_under_one_id(admin, now):
    first = subscribe(admin, "http://127.0.0.1:9/a", ["ticket.created"])
    second = subscribe(admin, "http://127.0.0.1:9/b", ["ticket.created", "ticket.replied"])
    subscribe(admin, "http://127.0.0.1:9/c", ["csat.received"])
    paused = subscribe(admin, "http://127.0.0.1:9/d", ["ticket.created"])
    set_active(admin, paused.id, False, now=now)
    gone = subscribe(admin, "http://127.0.0.1:9/e", ["ticket.created"])
    delete_subscription(admin, gone.id)
    open_ticket(make_customer().user, subject="Hello", description="x", now=now)
    rows = db.session.execute(select(WebhookDelivery.subscription_id, WebhookDelivery.event_id)).all()
    assert sorted(sid for sid, _ in rows) == [first.id, second.id]
    assert len({event_id for _, event_id in rows}) == 1


def _statements(action) -> list[str]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)
    return seen


def test_an_event_nobody_listens_to_costs_no_statement(admin, now):
    subscribe(admin, "http://127.0.0.1:9/a", ["sla.breached"])
    ticket = open_ticket(make_customer().user, subject="Hello", description="x", now=now)
    emit(WebhookEvent.sla_breached, ticket, now)  # the process's copy is current now
    db.session.commit()
    assert _statements(lambda: emit(WebhookEvent.ticket_created, ticket, now)) == []
    # A listened-to event adds its row to the session, for the caller's transaction.
    assert emit(WebhookEvent.sla_breached, ticket, now) == 1
    db.session.rollback()


def test_the_sweep_queues_its_events_with_the_batch_inserts(admin, now, policy):  # noqa: F811
    subscribe(admin, "http://127.0.0.1:9/sla", ["sla.warning"])
    customer = make_customer()
    for n in range(30):
        open_ticket(customer.user, subject=f"Ticket {n}", description="x", now=now)
    inserts: list[str] = []

    def sweep() -> None:
        assert sweep_sla(now + timedelta(minutes=16)).warned == 30

    for statement in _statements(sweep):
        if statement.startswith("INSERT INTO webhook_deliveries"):
            inserts.append(statement)
    assert len(inserts) == 1  # one executemany for the batch, not a row at a time
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 30
    refs = {json.loads(p)["ticket"]["reference"] for p in db.session.scalars(select(WebhookDelivery.payload))}
    assert refs == set(db.session.scalars(select(Ticket.reference)))


def test_a_process_still_holding_a_deleted_webhook_queues_harmlessly(admin, now):
    """Another worker may emit from its copy of the active webhooks just after a delete."""
    with Receiver() as receiver:
        doomed = subscribe(admin, receiver.url, ["ticket.created"])
        ticket = open_ticket(make_customer().user, subject="Hello", description="x", now=now)
        seen_before = dict(g.setup_versions)
        delete_subscription(admin, doomed.id)
        g.setup_versions = seen_before  # as a request that read the versions before the delete
        assert emit(WebhookEvent.ticket_created, ticket, now) == 1
        db.session.commit()  # the row still has its webhook to point at
        assert deliver_webhooks(now).delivered == 0
    assert receiver.requests == []


def test_changes_that_read_no_setup_pay_no_statement_for_events_nobody_wants(app, admin, now, monkeypatch):
    """A reply, a status move and a tier move read no other setup: with nobody listening, their
    events read nothing either (not even the setup versions)."""
    monkeypatch.setitem(app.config, "WEBHOOK_LISTENERS_FRESH_SECONDS", 3600)
    subscribe(admin, "http://127.0.0.1:9/a", ["csat.received"])
    customer, agent = make_customer(), make_agent(tier=2)
    ticket = open_ticket(customer.user, subject="Hello", description="x", now=now)
    add_reply(agent, ticket.id, "Warm up", now=now)
    for step in (
        lambda: add_reply(agent, ticket.id, "Which browser?", status="pending", now=now),
        lambda: change_status(agent, ticket.id, "open", now=now),
        lambda: change_tier(agent, ticket.id, 2, "closer look", reason_code="needs_expertise", now=now),
    ):
        g.pop("setup_versions", None)  # a new request
        assert [s for s in _statements(step) if "setup_versions" in s] == []
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
