"""Desk queues at scale.

    python -m bench.queues [--tickets 1000000] [--runs 60] [--database-url URL]

Seeds a scratch SQLite database (or an empty one named by --database-url) with tickets across
every tier and status, gives the active ones a next SLA check within the coming week and a stored
risk rank (time pressure by the domain's steps, organizations' parts by the service that keeps
them), then times through the test client, signed in as an agent: the tier-1 queue, its page 50
(reached by following the cursors), the "breaching soon" view, the rows and counts an open queue
polls every 30 s, and a full-text ticket search for a common word. The last line is JSON with
median and p95 milliseconds.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, insert, select, update

from app.domain.risk import pressure_step, priority_points, time_pressure
from app.domain.vocabulary import ACTIVE_STATUSES, Role
from app.extensions import db
from app.models import Organization, Ticket, User
from app.services.relationship.risk_rank import UNRANKED, rank_organization, tenths
from bench.history import timed
from bench.seed import scratch_web_app, seed_tickets

PASSWORD = "bench-password-1"
CHUNK = 20_000
WEEK_MINUTES = 7 * 24 * 60
SEARCH_URL = "/desk/search?q=invoice"  # a word in one ticket subject of eight


def _rank_active(now: datetime, rng: random.Random) -> None:
    """Next checks spread over the coming week and the ticket-level rank parts, in chunks."""
    table = Ticket.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            sla_next_check_at=bindparam("b_check"),
            risk_pressure=bindparam("b_pressure"),
            risk_priority=bindparam("b_priority"),
            risk_health=bindparam("b_health"),
            risk_refresh_at=bindparam("b_refresh"),
            risk_score=bindparam("b_score"),
        )
    )
    last = 0
    while True:
        rows = db.session.execute(
            select(Ticket.id, Ticket.priority)
            .where(Ticket.id > last, Ticket.status.in_(ACTIVE_STATUSES))
            .order_by(Ticket.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        values = []
        for row in rows:
            check = now + timedelta(minutes=rng.uniform(1, WEEK_MINUTES))
            step = pressure_step(check, False, now)
            pressure = tenths(time_pressure(step.minutes_to_breach, False))
            priority = tenths(priority_points(row.priority.value))
            health = rng.choice((0, 0, 0, 25, 50, 100, 150))
            values.append(
                {
                    "b_id": row.id,
                    "b_check": check,
                    "b_pressure": pressure,
                    "b_priority": priority,
                    "b_health": health,
                    "b_refresh": step.changes_at,
                    "b_score": pressure + priority + health,
                }
            )
        db.session.execute(statement, values)
        db.session.commit()


def seed(tickets: int, now: datetime) -> None:
    from app.services.accounts.passwords import hash_password

    seed_tickets(tickets, now=now, spread=timedelta(days=60))
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
    db.session.execute(
        update(Ticket).where(Ticket.status.not_in(ACTIVE_STATUSES)).values(risk_score=UNRANKED)
    )
    db.session.commit()
    _rank_active(now, random.Random(7))
    for org in db.session.scalars(select(Organization)).all():
        rank_organization(org)  # the service that keeps account tier and value parts current
    db.session.commit()
    # No ANALYZE here: the queues are timed on the database as the app leaves it.


def page_url(client, url: str, page: int) -> str:
    """The URL of a later page of a queue, reached the way a person would: next, next, …"""
    for _ in range(page - 1):
        body = client.get(url).get_data(as_text=True)
        cursor = body.split(">Next page<", 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
        url = cursor.replace("&amp;", "&")
    return url


def _ms(pair: tuple[float, float], name: str) -> dict[str, float]:
    return {f"{name}_median_ms": round(pair[0], 1), f"{name}_p95_ms": round(pair[1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    with scratch_web_app(args.database_url, "queues") as app:
        with app.app_context():
            now = datetime.now(UTC)
            started = time.perf_counter()
            seed(args.tickets, now)
            print(f"seeded {args.tickets} tickets in {time.perf_counter() - started:.1f}s", flush=True)
            db.session.remove()
        client = app.test_client()
        client.post("/auth/login", data={"email": "bench-agent@bench.test", "password": PASSWORD})
        first = timed(client, "/desk/queues/tier-1", args.runs)
        fiftieth = timed(client, page_url(client, "/desk/queues/tier-1", 50), args.runs)
        breaching = timed(client, "/desk/queues/breaching", args.runs)
        live = timed(client, "/desk/queues/tier-1/live", args.runs)  # what an open queue polls
        searched = timed(client, SEARCH_URL, args.runs)
    print(
        json.dumps(
            {
                "tickets": args.tickets,
                "runs": args.runs,
                **_ms(first, "tier1_queue"),
                **_ms(fiftieth, "tier1_page50"),
                **_ms(breaching, "breaching_soon"),
                **_ms(live, "tier1_live_refresh"),
                **_ms(searched, "search"),
            }
        )
    )


if __name__ == "__main__":
    main()
