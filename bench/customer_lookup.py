"""The desk's customer search-as-you-type, against many customers.

    python -m bench.customer_lookup [--customers 10000,200000] [--queries 300] [--database-url URL]

For each size, seeds that many customers into a scratch database (SQLite by default) and times
`find_customers` for what an agent types: the start of a first name, a full name, an address
prefix, and text that matches nobody. Figures are CPU milliseconds per lookup (process time:
the machine is shared), median and p95, and the query plan of a name probe. Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime

from sqlalchemy import insert, text

from app.domain.vocabulary import Role
from app.extensions import db
from app.models import Customer, User

FIRST = ("Alice", "Bruno", "Chen", "Dana", "Emil", "Fatima", "Gustav", "Hana", "Ivan", "Jonas")
LAST = ("Andersen", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad")


def seed(count: int) -> None:
    from flask_migrate import upgrade

    from bench.seed import MIGRATIONS

    upgrade(directory=MIGRATIONS)
    rng = random.Random(5)
    now = datetime.now(UTC)
    agent = {"email": "agent@bench.test", "name": "Agent", "role": Role.agent, "password_hash": "!"}
    db.session.execute(insert(User), [{**agent, "support_tier": 1, "created_at": now}])
    for start in range(0, count, 10_000):
        rows = [
            {
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
                "email": f"c{n}.{rng.choice(LAST).lower()}@bench{n % 97}.test",
                "created_at": now,
            }
            for n in range(start, min(start + 10_000, count))
        ]
        db.session.execute(insert(Customer), rows)
        db.session.commit()
    db.session.execute(text("ANALYZE") if db.engine.dialect.name == "sqlite" else text("ANALYZE customers"))
    db.session.commit()


def measure(size: int, queries: int, url: str | None) -> dict[str, object]:
    from app import create_app
    from app.services.relationship.customer_lookup import find_customers
    from config import Config

    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(Config, SQLALCHEMY_DATABASE_URI=url or f"sqlite:///{scratch}/lookup.db")
        with app.app_context():
            seed(size)
            agent = db.session.scalars(db.select(User).where(User.email == "agent@bench.test")).one()
            rng = random.Random(11)
            typed = [
                rng.choice(
                    (
                        rng.choice(FIRST)[:3].lower(),
                        f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        f"c{rng.randrange(size)}.",
                        "zz-nobody",
                    )
                )
                for _ in range(queries)
            ]
            times = []
            for query in typed:
                started = time.process_time()
                find_customers(agent, query)
                times.append((time.process_time() - started) * 1000)
            plan = ""
            if db.engine.dialect.name == "sqlite":
                plan = " | ".join(
                    str(row[-1])
                    for row in db.session.execute(
                        text(
                            "EXPLAIN QUERY PLAN SELECT id FROM customers "
                            "WHERE name >= 'Dana' AND name < 'Dana\U0010ffff' AND name LIKE 'Dana%' LIMIT 8"
                        )
                    )
                )
            db.session.remove()
            db.engine.dispose()
    times.sort()
    return {
        "customers": size,
        "lookups": queries,
        "cpu_median_ms": round(statistics.median(times), 2),
        "cpu_p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
        "name_probe_plan": plan,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", default="10000,200000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    results = [measure(int(n), args.queries, args.database_url) for n in args.customers.split(",")]
    for result in results:
        print(
            f"{result['customers']:>8} customers: {result['cpu_median_ms']} ms median, "
            f"{result['cpu_p95_ms']} ms p95 CPU per lookup; plan: {result['name_probe_plan']}"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
