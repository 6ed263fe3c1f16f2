"""Delivering webhooks to a real receiver on 127.0.0.1: signed, retried with backoff, exactly
once per idempotency id at the receiver, paused after a day of failures, redelivered by hand, and
sent only to the configured URL."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import Notification, WebhookDelivery, WebhookSubscription
from app.services.mail.delivery import deliver_outbox
from app.services.tickets.opening import open_ticket
from app.services.webhooks.delivery import claim_batch, deliver_webhooks
from app.services.webhooks.log import delivery_log, redeliver
from app.services.webhooks.subscriptions import set_active
from tests.factories import make_customer
from tests.integration.mail.conftest import smtp_sink  # noqa: F401 (a fixture)
from tests.integration.webhooks.conftest import deliveries, events_seen, subscribe, verify_signature
from tests.webhook_receiver import Receiver


def _fresh(subscription_id: int) -> WebhookSubscription:
    db.session.expire_all()
    return db.session.get(WebhookSubscription, subscription_id)


def _open(now, subject: str = "Printer on fire"):
    return open_ticket(make_customer().user, subject=subject, description="x", now=now)


def test_a_delivery_is_signed_and_verifies_with_a_reference_implementation(admin, now, app):
    with Receiver() as receiver:
        subscription = subscribe(admin, receiver.url)
        ticket = _open(now)
        assert deliver_webhooks(now).delivered == 1
    [request] = receiver.requests
    assert request.path == "/hooks/tierdesk"
    assert request.headers["content-type"] == "application/json"
    signature = request.headers["tierdesk-signature"]
    assert signature.startswith(f"t={int(now.timestamp())},v1=")
    assert verify_signature(subscription.secret, signature, request.body)
    # Another secret, or a body changed by one byte, does not verify.
    assert not verify_signature("whsec_wrong", signature, request.body)
    assert not verify_signature(subscription.secret, signature, request.body.replace(b"Printer", b"Prynter"))
    event = json.loads(request.body)
    assert event["id"] == request.headers["tierdesk-webhook-id"]
    assert event["type"] == request.headers["tierdesk-event"] == "ticket.created"
    assert event["ticket"]["reference"] == ticket.reference
    assert event["ticket"]["subject"] == "Printer on fire"
    assert event["ticket"]["status"] == "new" and event["ticket"]["tier"] == 1
    base = app.config["BASE_URL"].rstrip("/")
    assert event["ticket"]["links"]["desk"] == f"{base}/desk/tickets/{ticket.id}"


def test_a_receiver_failing_twice_gets_the_event_once_by_its_id(admin, now):
    with Receiver(answers=[500, 503]) as receiver:
        subscribe(admin, receiver.url)
        _open(now)
        first = deliver_webhooks(now)
        early = deliver_webhooks(now + timedelta(seconds=10))  # before the first retry is due
        second = deliver_webhooks(now + timedelta(seconds=31))
        third = deliver_webhooks(now + timedelta(minutes=2))
        assert (first.retrying, early.retrying + early.delivered, second.retrying, third.delivered) == (
            1,
            0,
            1,
            1,
        )
    # What a receiver that keeps the ids it processed would have done with the requests.
    processed: dict[str, dict] = {}
    accepted = [
        event for event, status in zip(events_seen(receiver), [500, 503, 200], strict=True) if status == 200
    ]
    for event in accepted:
        processed.setdefault(event["id"], event)
    assert len(receiver.requests) == 3
    assert len({event["id"] for event in events_seen(receiver)}) == 1
    assert len(processed) == 1
    [row] = deliveries()
    assert row.attempts == 3 and row.delivered_at == now + timedelta(minutes=2)
    assert row.last_status == 200 and row.last_response_ms is not None


def test_failed_attempts_wait_longer_each_time(admin, now):
    with Receiver(default=500) as receiver:
        subscribe(admin, receiver.url)
        _open(now)
        clock = now
        waits = []
        for _ in range(5):
            deliver_webhooks(clock)
            [row] = deliveries()
            waits.append(row.next_attempt_at - clock)
            clock = row.next_attempt_at
        assert len(receiver.requests) == 5
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480)]
    assert row.last_status == 500 and row.last_error == "HTTP 500" and row.delivered_at is None


def test_a_subscription_failing_for_a_day_is_paused_and_its_owner_told(admin, now, smtp_sink):  # noqa: F811
    with Receiver(default=500) as receiver:
        subscription = subscribe(admin, receiver.url)
        _open(now)
        deliver_webhooks(now)
        assert _fresh(subscription.id).failing_since == now
        clock = now
        while clock < now + timedelta(hours=23):
            clock += timedelta(hours=1)
            deliver_webhooks(clock)
        assert _fresh(subscription.id).active  # 23 hours: not yet
        assert deliver_webhooks(now + timedelta(hours=24)).paused == 1
        tried = len(receiver.requests)
        # Paused: its waiting event is kept but not posted, and new events are not queued.
        _open(now + timedelta(hours=25), "Second")
        assert deliver_webhooks(now + timedelta(hours=30)).delivered == 0
        assert len(receiver.requests) == tried
        assert len(deliveries()) == 1
    paused = _fresh(subscription.id)
    assert not paused.active and paused.paused_reason == "Every delivery failed for 24 hours"
    [told] = db.session.scalars(select(Notification).where(Notification.kind == "webhook")).all()
    assert told.recipient_user_id == admin.id and told.subject == f"Webhook paused: {receiver.url}"
    assert f"/admin/webhooks/{subscription.id}" in told.body
    assert deliver_outbox().sent >= 1
    [mail] = [m for m in smtp_sink.messages if m["To"] == admin.email]
    assert mail["Subject"] == f"Webhook paused: {receiver.url}"


def test_a_success_clears_the_run_of_failures_and_resuming_sends_what_waited(admin, now):
    with Receiver(answers=[500, 200, 500]) as receiver:
        subscription = subscribe(admin, receiver.url)
        _open(now)
        deliver_webhooks(now)
        assert _fresh(subscription.id).failing_since == now
        deliver_webhooks(now + timedelta(minutes=1))
        assert _fresh(subscription.id).failing_since is None
        _open(now, "Queued before the pause")
        deliver_webhooks(now + timedelta(minutes=2))  # fails: it waits for its retry
        set_active(admin, subscription.id, False, now=now)
        _open(now, "While paused")  # a paused webhook takes no new events
        assert deliver_webhooks(now + timedelta(minutes=2, seconds=5)).delivered == 0
        set_active(admin, subscription.id, True, now=now)
        # Resuming makes what waited due at once, before the retry time it had.
        assert deliver_webhooks(now + timedelta(minutes=2, seconds=10)).delivered == 1
    subjects = [e["ticket"]["subject"] for e in events_seen(receiver)]
    assert subjects == ["Printer on fire"] * 2 + ["Queued before the pause"] * 2


def test_redelivery_by_hand_sends_the_same_event_again(admin, now):
    with Receiver() as receiver:
        subscription = subscribe(admin, receiver.url)
        _open(now)
        deliver_webhooks(now)
        [first] = deliveries()
        again = redeliver(admin, first.id, now=now + timedelta(hours=1))
        assert again.id != first.id
        assert deliver_webhooks(now + timedelta(hours=1)).delivered == 1
    one, two = receiver.requests
    assert one.body == two.body
    assert one.headers["tierdesk-webhook-id"] == two.headers["tierdesk-webhook-id"] == first.event_id
    assert [d.id for d in delivery_log(admin, subscription.id)] == [again.id, first.id]


def test_redelivering_a_waiting_event_makes_it_due_at_once(admin, now):
    with Receiver(answers=[500]) as receiver:
        subscribe(admin, receiver.url)
        _open(now)
        deliver_webhooks(now)
        [waiting] = deliveries()
        assert redeliver(admin, waiting.id, now=now).id == waiting.id
        assert deliver_webhooks(now + timedelta(seconds=1)).delivered == 1
        assert len(deliveries()) == 1 and len(receiver.requests) == 2


def test_only_the_configured_url_is_contacted_and_a_redirect_is_not_followed(admin, now):
    with Receiver() as elsewhere, Receiver(answers=[302]) as receiver:
        receiver.redirect_to = elsewhere.url
        subscribe(admin, receiver.url + "?source=tierdesk")
        _open(now)
        assert deliver_webhooks(now).retrying == 1
        [row] = deliveries()
        assert row.last_status == 302 and row.last_error == "HTTP 302"
        assert deliver_webhooks(now + timedelta(minutes=1)).delivered == 1
    assert [r.path for r in receiver.requests] == ["/hooks/tierdesk?source=tierdesk"] * 2
    assert elsewhere.requests == []


def test_an_unreachable_receiver_is_a_failed_attempt(admin, now):
    with Receiver() as receiver:
        url = receiver.url
    subscribe(admin, url)  # nothing listens there any more
    _open(now)
    assert deliver_webhooks(now).retrying == 1
    [row] = deliveries()
    assert row.last_status is None and "Connection" in row.last_error


def test_one_failure_holds_the_rest_of_that_subscriptions_batch(admin, now):
    with Receiver(answers=[500]) as failing, Receiver() as healthy:
        held = subscribe(admin, failing.url)
        subscribe(admin, healthy.url)
        for n in range(3):
            _open(now, f"Ticket {n}")
        counts = deliver_webhooks(now)
        assert (counts.delivered, counts.retrying, counts.deferred) == (3, 1, 2)
        assert len(failing.requests) == 1 and len(healthy.requests) == 3
        assert deliver_webhooks(now + timedelta(seconds=30)).delivered == 3
    assert sorted(e["ticket"]["subject"] for e in events_seen(failing)[1:]) == [
        f"Ticket {n}" for n in range(3)
    ]
    # A held row counts no attempt: the first one was tried twice, the other two once.
    assert sorted(d.attempts for d in deliveries() if d.subscription_id == held.id) == [1, 1, 2]


def _queue(subscription_id: int, count: int, now) -> None:
    rows = [
        {
            "subscription_id": subscription_id,
            "event_id": f"evt_{n:032d}",
            "event_type": "ticket.created",
            "payload": json.dumps({"id": f"evt_{n:032d}", "n": n}),
            "created_at": now,
            "attempts": 0,
        }
        for n in range(count)
    ]
    db.session.execute(insert(WebhookDelivery.__table__), rows)
    db.session.commit()


def test_a_claimed_delivery_is_not_claimed_again(admin, now):
    subscription = subscribe(admin, "http://127.0.0.1:9/none")
    _queue(subscription.id, 5, now)
    first, _ = claim_batch(now, 3)
    second, targets = claim_batch(now, 3)
    assert [p.event_id[-1] for p in first] == ["0", "1", "2"]
    assert [p.event_id[-1] for p in second] == ["3", "4"]
    assert targets[subscription.id].url == "http://127.0.0.1:9/none"
    assert claim_batch(now, 3) == ([], {})


def test_two_delivery_runs_in_parallel_send_each_event_once(app, admin, now):
    with Receiver() as receiver:
        subscription = subscribe(admin, receiver.url)
        _queue(subscription.id, 300, now)
        app.config["WEBHOOK_BATCH_SIZE"] = 20
        errors: list[BaseException] = []
        start = threading.Barrier(2)

        def run() -> None:
            try:
                with app.app_context():
                    start.wait()
                    deliver_webhooks(now)
                    db.session.remove()
            except BaseException as error:  # surfaced below
                errors.append(error)

        try:
            threads = [threading.Thread(target=run) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
        finally:
            app.config["WEBHOOK_BATCH_SIZE"] = 200
    assert errors == []
    ids = [r.headers["tierdesk-webhook-id"] for r in receiver.requests]
    assert len(ids) == 300 and len(set(ids)) == 300
    pending = select(func.count()).where(WebhookDelivery.delivered_at.is_(None))
    assert db.session.scalar(pending) == 0


def test_the_command_delivers_what_is_due(admin, now, runner):
    with Receiver() as receiver:
        subscribe(admin, receiver.url)
        _open(now)
        result = runner.invoke(args=["webhooks", "deliver"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["delivered"] == 1 and len(receiver.requests) == 1
