"""SLA sweep cost at scale.

    python -m bench.sla_sweep [--tickets 1000000] [--due 10000] [--rules] [--runs 1]
                              [--db FILE | --database-url URL]

Seeds a scratch database (a SQLite file in a temp dir unless --database-url names an empty one)
with tickets, a quarter of them open and all under one policy, and an admin, makes `--due` of
them stale at one tier (unassigned and in no team's queue, so the admin is told of each), then
times a sweep that finds nothing due and a sweep that raises the stale ones. `--rules` first
enables an SLA-breach rule (tag the ticket, tell its team) and an SLA-warning rule, which the
sweep reads a snapshot of each due ticket for. The last line is JSON: wall and process CPU
seconds for each sweep, the due sweep's wall time less the time it waited for a CPU (what it
would take on an idle machine, disk waits included), and the process's peak memory (seeding
included).

On SQLite, `--db FILE` keeps the seeded database: a later run with the same FILE (and the same
--tickets and --due) skips the seeding. Each of the `--runs` sweeps works on a fresh copy of the
seeded file, and the figures are their medians (CPU time is the one to compare on a busy machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

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


def add_admin() -> User:
    """The desk's admin: the sweep's notice about a ticket nobody holds goes to the admins."""
    admin = User(
        email="admin@bench.test", name="Bench admin", role=Role.admin, support_tier=4, password_hash="-"
    )
    db.session.add(admin)
    db.session.commit()
    return admin


def enable_rules(admin: User, now: datetime) -> None:
    from app.services.rules.admin import save_rule

    for rule in RULES:
        save_rule(admin, rule, now=now)


def _seeded(path: str, tickets: int, due: int) -> datetime:
    """The seeded SQLite file at `path`, seeded now unless an earlier run left one with the same
    counts; returns the moment it was seeded for."""
    from app import create_app
    from config import Config

    about = f"{path}.json"
    if os.path.exists(path) and os.path.exists(about):
        with open(about) as file:
            known = json.load(file)
        if known["tickets"] == tickets and known["due"] == due:
            print(f"reusing {path}: {tickets} tickets ({due} stale)", flush=True)
            return datetime.fromisoformat(known["now"])
    for stale in (path, about, f"{path}-wal", f"{path}-shm"):
        if os.path.exists(stale):
            os.remove(stale)
    now = datetime.now(UTC).replace(microsecond=0)
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        seeded = seed(tickets, due, now)
        db.session.remove()
        db.engine.dispose()
    print(f"seeded {tickets} tickets ({due} stale) in {seeded:.1f}s", flush=True)
    with open(about, "w") as file:
        json.dump({"tickets": tickets, "due": due, "now": now.isoformat()}, file)
    return now


def _sweeps(
    url: str, now: datetime, rules: bool, seed_first: tuple[int, int] | None = None
) -> dict[str, Any]:
    """Time five sweeps that find nothing due and then the one that raises the stale tickets."""
    from app import create_app
    from app.services.sweep.sweep import sweep_sla
    from config import Config

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if seed_first is not None:
            seeded = seed(*seed_first, now)
            print(f"seeded {seed_first[0]} tickets ({seed_first[1]} stale) in {seeded:.1f}s", flush=True)
        admin = add_admin()
        if rules:
            enable_rules(admin, now)
        idle = []
        for _ in range(5):
            started = time.perf_counter()
            summary = sweep_sla(now - timedelta(minutes=90))
            idle.append(time.perf_counter() - started)
            assert summary.checked == 0, summary
        started, cpu, queued = time.perf_counter(), time.process_time(), _queued()
        summary = sweep_sla(now)
        busy, busy_cpu = time.perf_counter() - started, time.process_time() - cpu
        unqueued = busy - (_queued() - queued)
        print(
            f"due sweep: {summary.as_dict()} in {busy:.2f}s, {busy_cpu:.2f}s CPU, "
            f"{unqueued:.2f}s without waiting for a CPU",
            flush=True,
        )
        db.session.remove()
        db.engine.dispose()
    return {
        "idle": statistics.median(idle),
        "wall": busy,
        "cpu": busy_cpu,
        "unqueued": unqueued,
        "raised": summary.raised,
    }


def _queued() -> float:
    """Seconds this thread has spent ready to run but waiting for a CPU (Linux; 0 elsewhere):
    on a machine busy with other work, wall time less this is what the sweep itself took,
    waiting on the disk included."""
    try:
        with open("/proc/thread-self/schedstat") as file:
            return int(file.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument(
        "--rules", action="store_true", help="enable an SLA-breach and an SLA-warning escalation rule"
    )
    parser.add_argument("--runs", type=int, default=1, help="sweeps on fresh copies of the seeded file")
    parser.add_argument("--db", help="SQLite file to seed once and reuse in later runs")
    parser.add_argument("--database-url", help="an empty database to seed and sweep once")
    args = parser.parse_args()
    if args.database_url and (args.db or args.runs != 1):
        parser.error("--db and --runs work on SQLite files only, not with --database-url")

    with tempfile.TemporaryDirectory() as scratch:
        if args.database_url:
            now = datetime.now(UTC).replace(microsecond=0)
            runs = [_sweeps(args.database_url, now, args.rules, (args.tickets, args.due))]
        else:
            seeded = args.db or os.path.join(scratch, "seeded.db")
            now = _seeded(seeded, args.tickets, args.due)
            runs = []
            for _ in range(args.runs):
                copy = os.path.join(scratch, "run.db")
                shutil.copyfile(seeded, copy)
                # On disk before the timing: the sweep's first checkpoint must not flush the copy.
                with open(copy, "rb+") as file:
                    os.fsync(file.fileno())
                runs.append(_sweeps(f"sqlite:///{copy}", now, args.rules))
                os.remove(copy)
    print(
        json.dumps(
            {
                "tickets": args.tickets,
                "open": args.tickets // 4,
                "due": args.due,
                "rules": args.rules,
                "runs": len(runs),
                "nothing_due_sweep_ms": round(statistics.median(r["idle"] for r in runs) * 1000, 2),
                "due_sweep_seconds": round(statistics.median(r["wall"] for r in runs), 2),
                "due_sweep_cpu_seconds": round(statistics.median(r["cpu"] for r in runs), 2),
                "due_sweep_unqueued_seconds": round(statistics.median(r["unqueued"] for r in runs), 2),
                "due_sweep_cpu_each": [round(r["cpu"], 2) for r in runs],
                "raised": runs[-1]["raised"],
                "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
