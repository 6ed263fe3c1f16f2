"""Fast bulk seeding for benchmarks: Core inserts in large batches on a migrated, empty database."""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from flask_migrate import upgrade
from sqlalchemy import insert

from app.domain.vocabulary import (
    AccountTier,
    Category,
    Channel,
    LifecycleStage,
    LoyaltySegment,
    Priority,
    Status,
)
from app.extensions import db
from app.models import Customer, Organization, Ticket
from app.services.common.many_rows import execute_many

BATCH = 10_000
MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "migrations")


@contextmanager
def scratch_web_app(database_url: str | None, name: str) -> Iterator:
    """An app on `database_url`, else on a SQLite file in a temp dir removed afterwards, set up
    for timing pages through the test client (no CSRF, cheap password hashes)."""
    from app import create_app
    from config import Config

    with tempfile.TemporaryDirectory() as scratch:
        url = database_url or f"sqlite:///{scratch}/{name}.db"
        app = create_app(
            Config,
            SQLALCHEMY_DATABASE_URI=url,
            WTF_CSRF_ENABLED=False,
            PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
        )
        try:
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()


SUBJECTS = (
    "Cannot log in",
    "Invoice is wrong",
    "Export fails",
    "Possible data breach",
    "API returns 500",
    "Slow dashboard",
    "SSO loop",
    "Refund request",
)


def seed_tickets(
    count: int,
    *,
    now: datetime,
    spread: timedelta,
    organizations: int = 500,
    customers: int = 5_000,
    seed: int = 11,
    before: Callable[[], None] | None = None,
    fill: Callable[[dict[str, Any]], None] | None = None,
) -> float:
    """Create organizations, customers and `count` tickets created within `spread` before now.
    `before` runs after the migrations, before any ticket (to add what tickets point at); `fill`
    may change each ticket's row before it is written. Returns the seconds it took."""
    started = time.perf_counter()
    upgrade(directory=MIGRATIONS)
    if before is not None:
        before()
    rng = random.Random(seed)
    db.session.execute(
        insert(Organization),
        [
            {
                "id": n,
                "name": f"Bench org {n}",
                "account_tier": rng.choice(list(AccountTier)),
                "lifecycle_stage": rng.choice(list(LifecycleStage)),
                "loyalty_segment": rng.choice(list(LoyaltySegment)),
                "lifetime_value": rng.randint(0, 10**8),
                "created_at": now,
            }
            for n in range(1, organizations + 1)
        ],
    )
    db.session.execute(
        insert(Customer),
        [
            {
                "id": n,
                "name": f"Customer {n}",
                "email": f"c{n}@bench.test",
                "organization_id": rng.randint(1, organizations),
                "created_at": now,
            }
            for n in range(1, customers + 1)
        ],
    )
    seconds = spread.total_seconds()
    for start in range(1, count + 1, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, count + 1)):
            customer = rng.randint(1, customers)
            created = now - timedelta(seconds=rng.random() * seconds)
            rows.append(
                {
                    "id": n,
                    "reference": f"TD-{n + 1000}",
                    "subject": rng.choice(SUBJECTS),
                    "description": "Details of the problem, as the customer wrote them. " * 3,
                    "customer_id": customer,
                    "organization_id": (customer % organizations) + 1,
                    "channel": rng.choice(list(Channel)),
                    "category": rng.choice(list(Category)),
                    "status": rng.choice(list(Status)),
                    "priority": rng.choice(list(Priority)),
                    "tier": rng.randint(0, 4),
                    "created_at": created,
                    "updated_at": created,
                    "tier_entered_at": created,
                    "reopen_count": rng.randint(0, 2),
                    "escalation_count": 0,
                    "version": 1,
                }
            )
            if fill is not None:
                fill(rows[-1])
        execute_many(Ticket.__table__.insert(), rows)  # plain tuples: a million rows in seconds
        db.session.commit()
    return time.perf_counter() - started
