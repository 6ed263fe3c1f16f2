"""Customer history at scale.

    python -m bench.history [--events 1000000] [--customer-events 10000] [--runs 60]

Seeds a scratch SQLite database (or --database-url) with a million history events spread over
many customers plus one customer with 10,000 events and a few hundred tickets, then renders that
customer's desk page and one of their ticket pages (with its relationship sidebar) through the
test client. The last line is JSON with median and p95 milliseconds.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from app.domain.vocabulary import ActivityKind, Role
from app.extensions import db
from app.models import Activity, Customer, Ticket, User
from bench.seed import scratch_web_app, seed_tickets

KINDS = [
    ActivityKind.ticket_opened,
    ActivityKind.customer_replied,
    ActivityKind.agent_replied,
    ActivityKind.tier_changed,
    ActivityKind.touchpoint,
    ActivityKind.ticket_solved,
]
PASSWORD = "bench-password-1"


def seed(events: int, customer_events: int, now: datetime) -> tuple[int, int]:
    from app.services.accounts.passwords import hash_password

    seed_tickets(50_000, now=now, spread=timedelta(days=365), customers=20_000)
    rng = random.Random(5)
    target = 1  # customer 1 gets the long history
    db.session.execute(
        insert(User).values(
            email="bench-agent@bench.test",
            name="Bench Agent",
            role=Role.agent,
            support_tier=4,
            password_hash=hash_password(PASSWORD),
            created_at=now,
        )
    )
    others = events - customer_events
    batch = []
    for n in range(events):
        customer_id = target if n < customer_events else rng.randint(2, 20_000)
        batch.append(
            {
                "customer_id": customer_id,
                "organization_id": None,
                "ticket_id": None,
                "kind": rng.choice(KINDS).value,
                "summary": f"Event {n} in the relationship",
                "data": {},
                "created_at": now - timedelta(minutes=rng.randint(0, 525_600)),
            }
        )
        if len(batch) == 20_000:
            db.session.execute(insert(Activity), batch)
            db.session.commit()
            batch = []
    if batch:
        db.session.execute(insert(Activity), batch)
        db.session.commit()
    ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.customer_id == target).limit(1))
    if ticket_id is None:
        ticket_id = db.session.scalar(select(Ticket.id).limit(1))
        db.session.execute(Ticket.__table__.update().where(Ticket.id == ticket_id).values(customer_id=target))
        db.session.commit()
    assert others >= 0
    return target, ticket_id


def timed(client, url: str, runs: int) -> tuple[float, float]:
    client.get(url)  # warm up: templates compile on first use
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--customer-events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    with scratch_web_app(args.database_url, "history") as app:
        with app.app_context():
            now = datetime.now(UTC)
            started = time.perf_counter()
            customer_id, ticket_id = seed(args.events, args.customer_events, now)
            assert db.session.get(Customer, customer_id) is not None
            print(f"seeded {args.events} events in {time.perf_counter() - started:.1f}s", flush=True)
            db.session.remove()
        client = app.test_client()
        client.post("/auth/login", data={"email": "bench-agent@bench.test", "password": PASSWORD})
        customer_ms = timed(client, f"/desk/customers/{customer_id}", args.runs)
        ticket_ms = timed(client, f"/desk/tickets/{ticket_id}", args.runs)
    print(
        json.dumps(
            {
                "events": args.events,
                "customer_events": args.customer_events,
                "runs": args.runs,
                "customer_page_median_ms": round(customer_ms[0], 1),
                "customer_page_p95_ms": round(customer_ms[1], 1),
                "ticket_page_median_ms": round(ticket_ms[0], 1),
                "ticket_page_p95_ms": round(ticket_ms[1], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
