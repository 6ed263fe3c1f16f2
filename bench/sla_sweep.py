"""SLA sweep cost at scale.

    python -m bench.sla_sweep [--tickets 1000000] [--due 10000] [--rules] [--database-url URL]

Seeds a scratch database (a SQLite file in a temp dir unless --database-url names an empty one)
with tickets, a quarter of them open and all under one policy, makes `--due` of them stale at one
tier, then times a sweep that finds nothing due and a sweep that raises the stale ones. `--rules`
first enables an SLA-breach rule (tag the ticket, tell its team) and an SLA-warning rule, which
the sweep reads a snapshot of each due ticket for. The last line is JSON: seconds for each sweep
and the process's peak memory (seeding included).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text, update

from app.domain.sla_vocabulary import SlaBadge, SlaTarget
from app.domain.vocabulary import Role, Status
from app.extensions import db
from app.models import BusinessCalendar, SlaClock, SlaPolicy, Ticket, User

# Rules that fire on every due ticket of the benchmark (the warning one reads the customer's facts).
RULES = (
    {
        "name": "Tag and tell on a breach",
        "trigger": "sla_breached",
        "actions": [{"kind": "add_tag", "value": "sla-missed"}, {"kind": "notify", "value": "team"}],
    },
    {
        "name": "Urgent warnings to the team",
        "trigger": "sla_warning",
        "conditions": [{"field": "health_score", "operator": "lte", "value": 50}],
        "actions": [{"kind": "set_priority", "value": "urgent"}, {"kind": "notify", "value": "team"}],
    },
)


def seed(tickets: int, due: int, now: datetime) -> float:
    from bench.seed import seed_tickets

    started = time.perf_counter()
    seed_tickets(tickets, now=now, spread=timedelta(days=60))
    db.session.execute(
        insert(BusinessCalendar).values(
            id=1,
            name="24x7",
            timezone="UTC",
            weekly_hours={},
            closed_dates=[],
            always_open=True,
            created_at=now,
        )
    )
    db.session.execute(
        insert(SlaPolicy).values(
            id=1,
            name="Standard",
            calendar_id=1,
            is_default=True,
            first_response_minutes=60,
            next_response_minutes=120,
            resolution_minutes=2400,
            dwell_minutes=[60] * 5,
            warn_percent=80,
            created_at=now,
        )
    )
    # A quarter open, checked again tomorrow; the rest solved, never checked.
    db.session.execute(update(Ticket).values(status=Status.solved, sla_policy_id=1))
    db.session.execute(
        update(Ticket)
        .where(text("id % 4 = 0"))
        .values(status=Status.open, tier=1, sla_next_check_at=now + timedelta(days=1), sla_badge=SlaBadge.ok)
    )
    db.session.commit()
    stale = [4 * n for n in range(1, due + 1)]
    for start in range(0, len(stale), 5000):
        chunk = stale[start : start + 5000]
        db.session.execute(
            insert(SlaClock),
            [
                {
                    "ticket_id": ticket_id,
                    "target": SlaTarget.tier_dwell,
                    "tier": 1,
                    "minutes": 60,
                    "started_at": now - timedelta(hours=2),
                    "warn_at": now - timedelta(hours=1, minutes=12),
                    "due_at": now - timedelta(hours=1),
                    "warned_at": now - timedelta(hours=1, minutes=12),
                }
                for ticket_id in chunk
            ],
        )
        db.session.execute(
            update(Ticket).where(Ticket.id.in_(chunk)).values(sla_next_check_at=now - timedelta(hours=1))
        )
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return time.perf_counter() - started


def enable_rules(now: datetime) -> None:
    from app.services.rules.admin import save_rule

    admin = User(
        email="admin@bench.test", name="Bench admin", role=Role.admin, support_tier=4, password_hash="-"
    )
    db.session.add(admin)
    db.session.commit()
    for rule in RULES:
        save_rule(admin, rule, now=now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument(
        "--rules", action="store_true", help="enable an SLA-breach and an SLA-warning escalation rule"
    )
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from app import create_app
    from app.services.sweep.sweep import sweep_sla
    from config import Config

    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{scratch}/sla.db"
        app = create_app(Config, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            now = datetime.now(UTC).replace(microsecond=0)
            seeded = seed(args.tickets, args.due, now)
            print(f"seeded {args.tickets} tickets ({args.due} stale) in {seeded:.1f}s", flush=True)
            if args.rules:
                enable_rules(now)
            idle = []
            for _ in range(5):
                started = time.perf_counter()
                summary = sweep_sla(now - timedelta(minutes=90))
                idle.append(time.perf_counter() - started)
                assert summary.checked == 0, summary
            started = time.perf_counter()
            summary = sweep_sla(now)
            busy = time.perf_counter() - started
            print(f"due sweep: {summary.as_dict()}", flush=True)
            db.session.remove()
            db.engine.dispose()
    print(
        json.dumps(
            {
                "tickets": args.tickets,
                "open": args.tickets // 4,
                "due": args.due,
                "rules": args.rules,
                "nothing_due_sweep_ms": round(statistics.median(idle) * 1000, 2),
                "due_sweep_seconds": round(busy, 2),
                "raised": summary.raised,
                "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
