"""Fast bulk seeding for benchmarks: Core inserts in large batches on a migrated, empty database."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from flask_migrate import upgrade
from sqlalchemy import Engine, event, insert, text

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


@contextmanager
def profiled_copy(source: str, name: str, **config: Any) -> Iterator[tuple[Any, str]]:
    """An app (default settings) on a copy of the SQLite file `source` in a temp dir removed
    afterwards, with the temp dir: the profiles work on a copy, so what they write never piles
    up in the kept file."""
    from app import create_app
    from config import Config

    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, f"{name}.db")
        shutil.copyfile(source, path)
        app = create_app(
            Config,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
            SECRET_KEY="bench-profile",
            BASE_URL="https://desk.bench.test",
            MAIL_CATCHALL_DIR=os.path.join(scratch, "mail"),
            **config,
        )
        yield app, scratch


@contextmanager
def fast_bulk_writes() -> Iterator[None]:
    """Every SQLite connection taken from a pool meanwhile, by any engine of this process, gets a
    large page cache and no syncs: seeding a million tickets rewrites their many indexes over and
    over, and a crash while seeding only costs the seeding. (At checkout, after the app's own
    settings at connect.) Dispose of an engine afterwards before timing anything on it."""

    def bulk(driver: Any, _record: Any, _proxy: Any) -> None:
        if isinstance(driver, sqlite3.Connection):
            cursor = driver.cursor()
            cursor.execute("PRAGMA cache_size=-1500000")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.close()

    event.listen(Engine, "checkout", bulk)
    try:
        yield
    finally:
        event.remove(Engine, "checkout", bulk)


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
    db.session.commit()
    with _tickets_indexed_afterwards():
        _insert_tickets(count, now, spread, rng, organizations, customers, fill)
    return time.perf_counter() - started


@contextmanager
def _tickets_indexed_afterwards() -> Iterator[None]:
    """On SQLite, the tickets' indexes and their search trigger are dropped while the rows go in
    and built afterwards from the whole table: sorting a million keys once costs a fraction of
    a million random insertions into each of a dozen B-trees, and FTS5 rebuilds its index in one
    pass. Other databases keep theirs."""
    if db.engine.dialect.name != "sqlite":
        yield
        return
    made = db.session.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'tickets' AND sql IS NOT NULL "
            "AND (type = 'index' OR (type = 'trigger' AND name = 'tickets_fts_insert'))"
        )
    ).all()
    for name, _sql in made:
        db.session.execute(text(f'DROP {"TRIGGER" if name == "tickets_fts_insert" else "INDEX"} "{name}"'))
    db.session.commit()
    try:
        yield
    finally:
        for _name, sql in made:
            db.session.execute(text(sql))
        db.session.execute(text("INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild')"))
        db.session.commit()


def _insert_tickets(
    count: int,
    now: datetime,
    spread: timedelta,
    rng: random.Random,
    organizations: int,
    customers: int,
    fill: Callable[[dict[str, Any]], None] | None,
) -> None:
    seconds = spread.total_seconds()
    channels, categories, statuses, priorities = list(Channel), list(Category), list(Status), list(Priority)
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
                    "channel": rng.choice(channels),
                    "category": rng.choice(categories),
                    "status": rng.choice(statuses),
                    "priority": rng.choice(priorities),
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
