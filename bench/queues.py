"""Desk queues at scale.

    python -m bench.queues [--tickets 1000000] [--runs 60] [--db FILE | --database-url URL]

Seeds a scratch SQLite database (or an empty one named by --database-url) with tickets across
every tier and status, gives the active ones a next SLA check within the coming week and a stored
risk rank (time pressure by the domain's steps, organizations' parts as `rank_organization`
computes them), assigns one active ticket in twenty to the bench agent and one in five to its
team, each row written once, whole (a million tickets in minutes: see `bench.seed`), then
times through the test client, signed in as that agent: every queue tab (each page carries every
tab's count), the tier-1 queue's page 50 (reached by following the cursors) and its newest-first
order, the rows and counts an open queue polls every 30 s, a full-text ticket search for a common
word and the customer lookup of the new-ticket form. The last line is JSON with median and p95
milliseconds of wall time and the median CPU milliseconds of this process (the machine is
shared: CPU is the steadier figure).

Nothing runs ANALYZE: the pages are timed on the database as the app leaves it (the app's own
`PRAGMA optimize` as connections go back to the pool included). `--app-statistics` times the
other state the app leaves a database in: with the sampled statistics its own gathering writes
(`refresh_statistics(full=True)`, as after the demo or a bulk import; the connection pool's
`PRAGMA optimize` writes the same once a query has used the table). With `--db FILE` (SQLite) the
seeded file is kept and a later run with the same FILE and --tickets skips the seeding; each run
times a fresh copy of it, so statistics one run gathered never reach the next.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text

from app.domain.risk import pressure_step, priority_points, time_pressure
from app.domain.vocabulary import ACTIVE_STATUSES, Role
from app.extensions import db
from app.models import Organization, Team, User
from app.services.common.statistics import refresh_statistics
from app.services.queues.desk import desk_queues
from app.services.relationship.risk_rank import UNRANKED, organization_parts, tenths
from bench.seed import fast_bulk_writes, scratch_web_app, seed_tickets

PASSWORD = "bench-password-1"
WEEK_MINUTES = 7 * 24 * 60
SEARCH_URL = "/desk/search?q=invoice"  # a word in one ticket subject of eight
LOOKUP_URL = "/desk/customers/lookup?q=Customer%2012"  # a name prefix eleven customers share
AGENT_ID = 9_001
TEAM_ID = 9_001


# Every row carries the same columns (one INSERT for them all); a solved or closed ticket these.
UNRANKED_ROW: dict[str, Any] = {
    "sla_next_check_at": None,
    "risk_pressure": 0,
    "risk_priority": 0,
    "risk_health": 0,
    "risk_account": 0,
    "risk_value": 0,
    "risk_refresh_at": None,
    "risk_score": UNRANKED,
    "team_id": None,
    "assignee_id": None,
}


class _Ranked:
    """Fills each seeded ticket's row with what the desk keeps on it while it is active: a next
    SLA check within the coming week, the rank's parts (time pressure by the domain's steps,
    priority, a customer health part, and its organization's account tier and value parts as
    `rank_organization` computes them), and one active ticket in five on the bench team, one in
    twenty assigned to the bench agent. Solved and closed tickets are unranked."""

    def __init__(self, now: datetime, rng: random.Random) -> None:
        self.now = now
        self.rng = rng
        self.organizations: dict[int, tuple[int, int]] = {}

    def __call__(self, row: dict[str, Any]) -> None:
        if row["status"] not in ACTIVE_STATUSES:
            row.update(UNRANKED_ROW)
            return
        if not self.organizations:
            self.organizations = {
                org.id: organization_parts(org) for org in db.session.scalars(select(Organization))
            }
        check = self.now + timedelta(minutes=self.rng.uniform(1, WEEK_MINUTES))
        step = pressure_step(check, False, self.now)
        pressure = tenths(time_pressure(step.minutes_to_breach, False))
        priority = tenths(priority_points(row["priority"].value))
        health = self.rng.choice((0, 0, 0, 25, 50, 100, 150))
        account, value = self.organizations[row["organization_id"]]
        row.update(
            sla_next_check_at=check,
            risk_pressure=pressure,
            risk_priority=priority,
            risk_health=health,
            risk_account=account,
            risk_value=value,
            risk_refresh_at=step.changes_at,
            risk_score=pressure + priority + health + account + value,
            team_id=TEAM_ID if row["id"] % 5 == 0 else None,
            assignee_id=AGENT_ID if row["id"] % 20 == 0 else None,
        )


def seed(tickets: int, now: datetime) -> None:
    from app.services.accounts.passwords import hash_password

    def desk() -> None:
        db.session.execute(insert(Team).values(id=TEAM_ID, name="Bench team", tier=1))
        db.session.execute(
            insert(User).values(
                id=AGENT_ID,
                team_id=TEAM_ID,
                email="bench-agent@bench.test",
                name="Bench Agent",
                role=Role.agent,
                support_tier=4,
                password_hash=hash_password(PASSWORD),
                created_at=now,
            )
        )

    # Every row is written whole, once: ranking afterwards ticket by ticket rewrote a dozen
    # indexes per row and took most of an hour at a million tickets.
    seed_tickets(
        tickets, now=now, spread=timedelta(days=60), before=desk, fill=_Ranked(now, random.Random(7))
    )
    db.session.commit()
    # No ANALYZE here: the queues are timed on the database as the app leaves it.


def page_url(client, url: str, page: int) -> str:
    """The URL of a later page of a queue, reached the way a person would: next, next, …"""
    for _ in range(page - 1):
        body = client.get(url).get_data(as_text=True)
        cursor = body.split(">Next page<", 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
        url = cursor.replace("&amp;", "&")
    return url


def timed(client, url: str, runs: int) -> dict[str, float]:
    """Median and p95 wall milliseconds of `runs` requests after one warm-up (templates compile on
    first use), and the median CPU milliseconds this process spent on each."""
    client.get(url)
    walls, cpus = [], []
    for _ in range(runs):
        cpu, started = time.process_time(), time.perf_counter()
        response = client.get(url)
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    walls.sort()
    return {
        "median_ms": round(statistics.median(walls), 1),
        "p95_ms": round(walls[int(len(walls) * 0.95) - 1], 1),
        "cpu_ms": round(statistics.median(cpus), 1),
    }


def _seeded(path: str, tickets: int) -> None:
    """The seeded SQLite file at `path`, seeded now unless an earlier run left one of that size."""
    about = f"{path}.json"
    if os.path.exists(path) and os.path.exists(about):
        with open(about) as file:
            if json.load(file)["tickets"] == tickets:
                print(f"reusing {path}: {tickets} tickets", flush=True)
                return
    for stale in (path, about, f"{path}-wal", f"{path}-shm"):
        if os.path.exists(stale):
            os.remove(stale)
    with fast_bulk_writes(), scratch_web_app(f"sqlite:///{path}", "queues") as app, app.app_context():
        _seed_timed(tickets)
        db.session.remove()
    with open(about, "w") as file:
        json.dump({"tickets": tickets, "seeded_at": datetime.now(UTC).isoformat()}, file)


def _seed_timed(tickets: int) -> None:
    started = time.perf_counter()
    seed(tickets, datetime.now(UTC))
    print(f"seeded {tickets} tickets in {time.perf_counter() - started:.1f}s", flush=True)


@contextmanager
def _database(args: argparse.Namespace) -> Iterator[str | None]:
    """The URL to time on: a fresh copy of the kept file with --db, else --database-url or None
    (a scratch file), seeded on the way."""
    if not args.db:
        yield args.database_url
        return
    _seeded(args.db, args.tickets)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(args.db))) as scratch:
        copy = os.path.join(scratch, "run.db")
        shutil.copyfile(args.db, copy)
        yield f"sqlite:///{copy}"


def _statistics() -> int | None:
    """What the planner knew of tickets by the end: their rows in sqlite_stat1 (0 before any
    ANALYZE; None on other databases)."""
    if db.engine.dialect.name != "sqlite":
        return None
    with db.engine.connect() as connection:
        if not connection.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")):
            return 0
        return int(connection.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'tickets'")) or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--db", help="SQLite file to seed once and reuse (each run times a copy)")
    parser.add_argument("--database-url", help="an empty database to seed and time once")
    parser.add_argument(
        "--app-statistics", action="store_true", help="first gather statistics the way the app does"
    )
    args = parser.parse_args()
    if args.db and args.database_url:
        parser.error("--db is a SQLite file; give it or --database-url, not both")

    with _database(args) as url, scratch_web_app(url, "queues") as app:
        if not args.db:
            with fast_bulk_writes(), app.app_context():
                _seed_timed(args.tickets)
                db.session.remove()
                db.engine.dispose()  # the pages are timed on connections with the app's settings
        if args.app_statistics:
            with app.app_context():
                refresh_statistics(full=True)
        client = app.test_client()
        client.post("/auth/login", data={"email": "bench-agent@bench.test", "password": PASSWORD})
        with app.app_context():
            keys = [q.key for q in desk_queues()]
        figures = {key: timed(client, f"/desk/queues/{key}", args.runs) for key in keys}
        figures["tier-1_page50"] = timed(client, page_url(client, "/desk/queues/tier-1", 50), args.runs)
        figures["tier-1_newest"] = timed(client, "/desk/queues/tier-1?order=newest", args.runs)
        figures["tier-1_live"] = timed(client, "/desk/queues/tier-1/live", args.runs)
        figures["search"] = timed(client, SEARCH_URL, args.runs)
        figures["customer_lookup"] = timed(client, LOOKUP_URL, args.runs)
        with app.app_context():
            known = _statistics()
    print(
        json.dumps(
            {
                "tickets": args.tickets,
                "runs": args.runs,
                "app_statistics": args.app_statistics,
                "ticket_statistics_rows": known,
                "pages": figures,
            }
        )
    )


if __name__ == "__main__":
    main()
