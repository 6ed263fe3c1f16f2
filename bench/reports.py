"""Reports at scale: the roll-up rebuild and every report page over 90 days.

    python -m bench.reports [--tickets 1000000] [--days 90] [--runs 20] [--db FILE | --database-url URL]

Seeds a scratch SQLite database (or --database-url) with `--tickets` tickets spread over
`--days` days and their history: an opening, an agent reply, a solve for most, first-response
and resolution clocks (met, or breached with the sweep's breach record), tier moves up and down,
CSAT answers and deflections. Then times `flask reports rebuild` (rebuild_rollups), and each
report page through the test client over the 90-day range, `--runs` times after a warm-up. The
last line is one JSON object: each report's median and p95 milliseconds, the rebuild's seconds
(wall and CPU) and the row counts.

On SQLite, `--db FILE` keeps the seeded database (and FILE.seeded, written when the seeding is
complete): a later run with the same FILE and --tickets brings its schema up to date, skips the
seeding and rebuilds the roll-ups of the history already there. The history is dated from the
seeding run, so a file seeded days ago shows fewer days of the 90-day range.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_migrate import upgrade
from sqlalchemy import event, func, insert, select, text

from app.domain.sla_vocabulary import SlaEventKind, SlaTarget
from app.domain.vocabulary import ActivityKind, Role, Status, TierChangeCause
from app.extensions import db
from app.models import (
    Activity,
    BusinessCalendar,
    CsatAnswer,
    ReportRollup,
    SlaClock,
    SlaEvent,
    SlaPolicy,
    Team,
    Ticket,
    TierChange,
    User,
)
from app.services.common.many_rows import execute_many
from bench.seed import MIGRATIONS, scratch_web_app, seed_tickets

PASSWORD = "bench-password-1"
AGENTS, TEAMS, BATCH = 20, 5, 20_000
PAGES = ("dashboard", "sla", "ladder", "self-service", "customers", "workload")


class Rows:
    """Batched inserts per table: one executemany of plain tuples per batch and set of columns."""

    def __init__(self) -> None:
        self.rows: dict[type, list[dict]] = {}
        self.counts: dict[str, int] = {}

    def add(self, model: type, **values: object) -> None:
        batch = self.rows.setdefault(model, [])
        batch.append(values)
        if len(batch) >= BATCH:
            self.flush()  # every table, parents first: a breach's clock must be stored before it

    def flush(self) -> None:
        for table in list(self.rows):  # in the order first seen: clocks before their breaches
            batch = self.rows.get(table) or []
            if batch:
                by_columns: dict[tuple[str, ...], list[dict]] = {}
                for row in batch:
                    by_columns.setdefault(tuple(row), []).append(row)
                for same in by_columns.values():
                    execute_many(table.__table__.insert(), same)
                self.counts[table.__tablename__] = self.counts.get(table.__tablename__, 0) + len(batch)
                self.rows[table] = []
        db.session.commit()


SEARCH_TRIGGER = "tickets_fts_insert"


def seed(count: int, days: int, now: datetime) -> dict[str, int]:
    """The desk, `count` tickets over `days` days and their history."""
    dropped: list[str] = []
    with fast_bulk_writes():
        seed_tickets(
            count,
            now=now,
            spread=timedelta(days=days),
            before=lambda: dropped.extend(_desk(now)),
            fill=lambda row: _assign(row, now),
        )
        counts = _history()
        for sql in dropped:
            db.session.execute(text(sql))
        db.session.commit()
    return counts


@contextmanager
def fast_bulk_writes() -> Iterator[None]:
    """A large page cache and no syncs on every connection while seeding: with the app's
    settings a million tickets and their history rewrite the indexes many times over."""
    if db.engine.dialect.name != "sqlite":
        yield
        return

    def bulk(driver: Any, _record: Any) -> None:
        cursor = driver.cursor()
        cursor.execute("PRAGMA cache_size=-1500000")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", bulk)
    try:
        yield
    finally:
        db.session.remove()
        event.remove(db.engine, "connect", bulk)
        db.engine.dispose()


def _desk(now: datetime) -> list[str]:
    """The admin, teams, agents, calendar and policy the tickets point at. On SQLite the ticket
    search trigger is dropped (its statement returned to put back after seeding): the search index
    stays without the seeded tickets, which no report searches."""
    from app.services.accounts.passwords import hash_password

    dropped: list[str] = []
    if db.engine.dialect.name == "sqlite":
        dropped = list(
            db.session.scalars(
                text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
                {"name": SEARCH_TRIGGER},
            )
        )
        db.session.execute(text(f"DROP TRIGGER IF EXISTS {SEARCH_TRIGGER}"))
    password_hash = hash_password(PASSWORD)
    db.session.execute(
        insert(User).values(
            email="bench-admin@bench.test",
            name="Bench Admin",
            role=Role.admin,
            support_tier=4,
            password_hash=password_hash,
            created_at=now,
        )
    )
    for n in range(1, TEAMS + 1):
        db.session.execute(insert(Team).values(id=n, name=f"Team {n}", tier=min(n, 4), created_at=now))
    for n in range(AGENTS):
        db.session.execute(
            insert(User).values(
                id=1000 + n,
                email=f"agent{n}@bench.test",
                name=f"Agent {n}",
                role=Role.agent,
                support_tier=4,
                team_id=n % TEAMS + 1,
                password_hash=password_hash,
                created_at=now,
            )
        )
    db.session.execute(
        insert(BusinessCalendar).values(
            id=1, name="Around the clock", timezone="UTC", weekly_hours={}, always_open=True, created_at=now
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
            resolution_minutes=600,
            dwell_minutes=[60, 60, 120, 240, 480],
            created_at=now,
        )
    )
    db.session.commit()
    return dropped


def _assign(row: dict[str, object], now: datetime) -> None:
    """Each ticket's team, assignee and policy; beyond a week a desk has closed what it solved."""
    n = row["id"]
    assert isinstance(n, int)
    row.update(team_id=n % TEAMS + 1, assignee_id=n % AGENTS + 1000, sla_policy_id=1, tier=1)
    created = row["created_at"]
    assert isinstance(created, datetime)
    if created < now - timedelta(days=7):
        row["status"] = Status.closed


def _history() -> dict[str, int]:
    rng, rows, clock_id = random.Random(7), Rows(), 0
    tickets = db.session.execute(select(Ticket.id, Ticket.created_at, Ticket.customer_id)).all()
    for ticket_id, created, customer_id in tickets:
        agent = ticket_id % AGENTS + 1000
        common = {"ticket_id": ticket_id, "customer_id": customer_id, "summary": "bench", "data": {}}
        rows.add(Activity, kind=ActivityKind.ticket_opened.value, created_at=created, **common)
        answered = created + timedelta(minutes=rng.randint(1, 90))
        rows.add(
            Activity, kind=ActivityKind.agent_replied.value, created_at=answered, actor_id=agent, **common
        )
        clock_id += 1
        late = answered > created + timedelta(minutes=60)
        rows.add(
            SlaClock,
            id=clock_id,
            ticket_id=ticket_id,
            target=SlaTarget.first_response,
            tier=1,
            minutes=60,
            started_at=created,
            warn_at=created + timedelta(minutes=48),
            due_at=created + timedelta(minutes=60),
            satisfied_at=answered,
            breached_at=created + timedelta(minutes=60) if late else None,
        )
        if late:
            rows.add(
                SlaEvent,
                ticket_id=ticket_id,
                clock_id=clock_id,
                customer_id=customer_id,
                target=SlaTarget.first_response,
                kind=SlaEventKind.breach,
                tier=1,
                due_at=created + timedelta(minutes=60),
                created_at=created + timedelta(minutes=61),
            )
        moved = created + timedelta(minutes=rng.randint(30, 600))
        if rng.random() < 0.25:
            rows.add(
                TierChange,
                ticket_id=ticket_id,
                from_tier=1,
                to_tier=2,
                cause=TierChangeCause.manual,
                reason_code="needs_expertise",
                reason="",
                actor_id=agent,
                created_at=moved,
            )
            if rng.random() < 0.3:
                rows.add(
                    TierChange,
                    ticket_id=ticket_id,
                    from_tier=2,
                    to_tier=3,
                    cause=TierChangeCause.sla,
                    reason="",
                    created_at=moved + timedelta(minutes=120),
                )
                if rng.random() < 0.2:
                    rows.add(
                        TierChange,
                        ticket_id=ticket_id,
                        from_tier=3,
                        to_tier=2,
                        cause=TierChangeCause.manual,
                        reason_code="workaround_provided",
                        reason="",
                        actor_id=agent,
                        created_at=moved + timedelta(minutes=240),
                    )
        if rng.random() < 0.6:
            solved = created + timedelta(minutes=rng.randint(100, 3000))
            rows.add(
                Activity, kind=ActivityKind.ticket_solved.value, created_at=solved, actor_id=agent, **common
            )
            clock_id += 1
            rows.add(
                SlaClock,
                id=clock_id,
                ticket_id=ticket_id,
                target=SlaTarget.resolution,
                tier=1,
                minutes=600,
                started_at=created,
                warn_at=created + timedelta(minutes=480),
                due_at=created + timedelta(minutes=600),
                satisfied_at=solved,
                breached_at=created + timedelta(minutes=600)
                if solved > created + timedelta(minutes=600)
                else None,
            )
            if rng.random() < 0.2:
                rows.add(
                    CsatAnswer,
                    ticket_id=ticket_id,
                    customer_id=customer_id,
                    rating=rng.randint(1, 5),
                    comment="",
                    created_at=solved + timedelta(hours=1),
                    updated_at=solved + timedelta(hours=1),
                )
        if rng.random() < 0.03:
            rows.add(
                Activity,
                kind=ActivityKind.kb_deflected.value,
                created_at=created,
                customer_id=customer_id,
                summary="bench",
                data={"category": "account", "article_id": 1},
            )
    rows.flush()
    return rows.counts


def _seeded(tickets: int) -> dict[str, int] | None:
    """The history's row counts when the database already holds `tickets` seeded tickets (its
    schema brought up to date first)."""
    if db.session.scalar(select(func.count()).select_from(Ticket)) != tickets:
        raise SystemExit(f"the database does not hold {tickets} tickets; give a new --db file")
    upgrade(directory=MIGRATIONS)
    tables = (Activity, SlaClock, CsatAnswer, SlaEvent, TierChange)
    return {t.__tablename__: db.session.scalar(select(func.count()).select_from(t)) or 0 for t in tables}


def timed(client, url: str, runs: int) -> tuple[float, float, float]:
    client.get(url)  # warm up: templates compile on first use
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    cpu.sort()
    p95 = max(0, int(len(times) * 0.95) - 1)
    return statistics.median(times), times[p95], cpu[p95]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url")
    parser.add_argument("--db", help="SQLite file to seed once and reuse in later runs")
    args = parser.parse_args()
    if args.db and args.database_url:
        parser.error("--db is a SQLite file; give it or --database-url, not both")

    from app.services.reports.rollup import rebuild_rollups

    if args.db and not os.path.exists(f"{args.db}.seeded"):
        for leftover in (args.db, f"{args.db}-wal", f"{args.db}-shm"):  # a seeding that was stopped
            if os.path.exists(leftover):
                os.remove(leftover)
    url = args.database_url or (f"sqlite:///{os.path.abspath(args.db)}" if args.db else None)
    with scratch_web_app(url, "reports") as app:
        with app.app_context():
            now = datetime.now(UTC)
            done = f"{args.db}.seeded" if args.db else None
            counts = _seeded(args.tickets) if done and os.path.exists(done) else None
            if counts is None:
                started = time.perf_counter()
                counts = seed(args.tickets, args.days, now)
                if done:  # a run stopped while seeding leaves no mark, so its file is seeded again
                    with open(done, "w") as mark:
                        json.dump(counts, mark)
                print(
                    f"seeded {args.tickets} tickets and {counts} in {time.perf_counter() - started:.0f}s",
                    flush=True,
                )
            else:
                print(f"reusing {args.db}: {counts}", flush=True)
            started, started_cpu = time.perf_counter(), time.process_time()
            summary = rebuild_rollups()
            rebuild = (time.perf_counter() - started, time.process_time() - started_cpu)
            rollups = db.session.scalar(select(func.count()).select_from(ReportRollup))
            print(f"rebuilt {summary.as_dict()} in {rebuild[0]:.0f}s", flush=True)
            db.session.remove()
        client = app.test_client()
        client.post("/auth/login", data={"email": "bench-admin@bench.test", "password": PASSWORD})
        start = (now - timedelta(days=89)).date().isoformat()
        figures: dict[str, object] = {}
        for page in PAGES:
            path = "/desk/reports/" if page == "dashboard" else f"/desk/reports/{page}"
            median, p95, cpu = timed(client, f"{path}?start={start}", args.runs)
            figures[page] = {
                "median_ms": round(median, 1),
                "p95_ms": round(p95, 1),
                "p95_cpu_ms": round(cpu, 1),
            }
            print(page, figures[page], flush=True)
    print(
        json.dumps(
            {
                "tickets": args.tickets,
                "days": args.days,
                "runs": args.runs,
                "reports": figures,
                "rebuild_seconds": round(rebuild[0], 1),
                "rebuild_cpu_seconds": round(rebuild[1], 1),
                "rollup_rows": rollups,
                "history_rows": counts,
            }
        )
    )


if __name__ == "__main__":
    main()
