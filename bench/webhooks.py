"""Webhook delivery throughput.

    python -m bench.webhooks [--count 3000] [--database-url URL]

Seeds an outbox of ticket events for one subscription, starts a local keep-alive HTTP receiver
on 127.0.0.1 (in a thread of this process, so it shares the two cores with the sender), runs the
delivery job until the outbox is empty and checks that every event arrived once. The last line
is JSON with the rate (goal: ≥ 200 deliveries/s on two cores) and the sender's CPU time.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime

from flask_migrate import upgrade
from sqlalchemy import func, insert, select

from app.domain.vocabulary import Role
from app.domain.webhooks import WebhookEvent
from app.extensions import db
from app.models import User, WebhookDelivery
from app.services.webhooks.delivery import deliver_webhooks
from app.services.webhooks.events import ticket_data
from app.services.webhooks.subscriptions import create_subscription
from bench.seed import MIGRATIONS, scratch_web_app, seed_tickets
from tests.webhook_receiver import Receiver

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _seed(url: str, count: int) -> None:
    seed_tickets(50, now=NOW, spread=NOW - NOW.replace(day=1), organizations=5, customers=20)
    admin = User(email="admin@bench.test", name="Bench admin", role=Role.admin, password_hash="x")
    db.session.add(admin)
    db.session.commit()
    subscription = create_subscription(admin, url=url, events=[kind.value for kind in WebhookEvent])
    from app.models import Ticket

    tickets = list(db.session.scalars(select(Ticket).order_by(Ticket.id)))
    rows = []
    for n in range(count):
        ticket = tickets[n % len(tickets)]
        event_id = f"evt_{n:032x}"
        body = {"id": event_id, "type": "ticket.replied", "created_at": NOW.isoformat()}
        body |= {"ticket": ticket_data(ticket), "data": {"author": "customer"}}
        rows.append(
            {
                "subscription_id": subscription.id,
                "event_id": event_id,
                "event_type": "ticket.replied",
                "ticket_id": ticket.id,
                "payload": json.dumps(body, separators=(",", ":")),
                "created_at": NOW,
                "attempts": 0,
            }
        )
    db.session.execute(insert(WebhookDelivery.__table__), rows)
    db.session.commit()


def measure(count: int = 3000, database_url: str | None = None) -> dict[str, float]:
    """Deliver `count` seeded events to a local receiver; the figures of the run."""
    with scratch_web_app(database_url, "webhooks") as app, Receiver(record=False) as receiver:
        with app.app_context():
            upgrade(directory=MIGRATIONS)
            _seed(receiver.url, count)
            wall, cpu = time.perf_counter(), time.process_time()
            counts = deliver_webhooks()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            waiting = db.session.scalar(select(func.count()).where(WebhookDelivery.delivered_at.is_(None)))
        assert counts.delivered == count and waiting == 0, counts
        assert receiver.count == count, f"the receiver got {receiver.count} of {count}"
        return {
            "webhook_deliveries": count,
            "webhook_seconds": round(wall, 2),
            "webhook_deliveries_per_second": round(count / wall, 1),
            "webhook_cpu_seconds": round(cpu, 2),
            "webhook_connections": receiver.connections,
        }


def deliveries_per_second(count: int = 3000, database_url: str | None = None) -> float:
    """Webhook deliveries per second to a local keep-alive receiver (wall clock, both cores
    shared by the sender and the receiver)."""
    return measure(count, database_url)["webhook_deliveries_per_second"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    print(json.dumps(measure(args.count, args.database_url)))


if __name__ == "__main__":
    main()
