"""What saving an SLA policy costs when many open tickets wait without one.

    python -m bench.sla_adoption --db FILE [--batch 2000] [--max-batches N] [--one-by-one 300]
                                 [--in-the-save]

FILE is a seeded SQLite file at the current schema whose tickets have no policy yet
(`bench.queues --db` leaves such files, queues-<size>.db; run `flask db upgrade` on a copy). On a
copy of it (production settings), an admin saves a calendar and then the starter matrix's default
policy. The save records the adoption and returns: the script prints its CPU and wall seconds.
Then it runs the scheduler's sla-adoption job's batches (`--batch` tickets each, no rest between
them) until every active ticket has its policy, clocks and pauses, and prints how many batches,
the CPU per batch, the p95 and longest batch wall time (the write lock held) and the total CPU.
With `--in-the-save` it times the save adopting everything itself (as it did before the job);
with `--one-by-one N`, on another copy, N waiting tickets loaded and adopted one at a time
through the clock hooks (ms per ticket).

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from app.domain.sla import Targets
from app.domain.vocabulary import Role, Status
from app.extensions import db
from app.models import Ticket, User

STANDARD = Targets(8 * 60, 8 * 60, 5 * 8 * 60, (480, 480, 960, 1440, 2400))
OFFICE = {day: "09:00-17:00" for day in range(5)}


def _one_by_one(limit: int) -> Callable[[datetime], int]:
    """The save's adoption as it was: each waiting ticket loaded and adopted in turn (the first
    `limit` of them)."""
    from app.services.sla import clock as sla_clock
    from app.services.sla.policy_cache import policy_cells

    def adopt(now: datetime) -> int:
        cells = policy_cells()
        waiting = db.session.scalars(
            select(Ticket)
            .where(Ticket.sla_policy_id.is_(None), Ticket.status.not_in((Status.solved, Status.closed)))
            .order_by(Ticket.id)
            .limit(limit)
        )
        return sum(sla_clock.adopt_policy(ticket, now, cells) for ticket in waiting)

    return adopt


def _batches(size: int, most: int | None) -> dict[str, Any]:
    """The sla-adoption job's batches, back to back (the first `most` of them): CPU and wall
    seconds of each. Their commits leave the checkpoint to the end, as the job's do."""
    from app.services.sla.adoption_job import adopt_next_batch
    from app.wal_checkpoints import one_checkpoint

    cpu_each, wall_each = [], []
    with one_checkpoint():
        while most is None or len(cpu_each) < most:
            cpu, wall = time.process_time(), time.perf_counter()
            batch = adopt_next_batch(size)
            if batch is None:
                break
            cpu_each.append(time.process_time() - cpu)
            wall_each.append(time.perf_counter() - wall)
            if batch.finished:
                break
    walls = sorted(wall_each)
    return {
        "batches": len(cpu_each),
        "batch_size": size,
        "cpu_ms_per_batch": round(sum(cpu_each) * 1000 / max(1, len(cpu_each)), 1),
        "cpu_ms_per_batch_max": round(max(cpu_each, default=0) * 1000, 1),
        "p95_batch_wall_ms": round(walls[int(0.95 * (len(walls) - 1))] * 1000, 1) if walls else 0,
        "max_batch_wall_ms": round(max(walls, default=0) * 1000, 1),
        "total_cpu_s": round(sum(cpu_each), 2),
        "total_wall_s": round(sum(wall_each), 2),
    }


def _save_default(
    path: str,
    adopt: Callable[[datetime], int] | None = None,
    *,
    inline: bool = False,
    batch: int = 2000,
    most: int | None = None,
) -> dict[str, Any]:
    """The admin's save of a default policy on a copy of the file: its CPU and wall seconds, then
    the job's batches unless the save adopted everything itself."""
    from app import create_app
    from app.services.sla import adoption_job, setup
    from config import Config

    app = create_app(
        Config,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
        SECRET_KEY="bench-sla",
        SLA_ADOPTION_INLINE=10**9 if inline or adopt is not None else 0,
    )
    original = adoption_job.adopt_waiting
    if adopt is not None:
        adoption_job.adopt_waiting = lambda now, span=None: adopt(now)
    job: dict[str, Any] = {}
    try:
        with app.app_context():
            now = datetime.now(UTC)
            db.session.execute(
                insert(User).values(
                    email="sla-admin@bench.test",
                    name="SLA Admin",
                    role=Role.admin,
                    password_hash="-",
                    support_tier=4,
                    created_at=now,
                )
            )
            db.session.commit()
            admin = db.session.scalars(select(User).where(User.email == "sla-admin@bench.test")).one()
            office = setup.save_calendar(
                admin, name="Office hours (Berlin)", timezone="Europe/Berlin", weekly_hours=OFFICE, now=now
            )
            cpu, wall = time.process_time(), time.perf_counter()
            setup.save_policy(
                admin, name="Standard", calendar_id=office.id, is_default=True, targets=STANDARD, now=now
            )
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if not inline and adopt is None:
                job = _batches(batch, most)
            adopted = db.session.scalar(
                select(db.func.count()).select_from(Ticket).where(Ticket.sla_policy_id.is_not(None))
            )
            db.session.remove()
            db.engine.dispose()
    finally:
        adoption_job.adopt_waiting = original
    save = {"cpu_ms": round(cpu * 1000, 1), "wall_ms": round(wall * 1000, 1)}
    return {"adopted": adopted, "save": save, **({"job": job} if job else {})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a seeded SQLite file whose tickets have no policy")
    parser.add_argument("--one-by-one", type=int, default=0, help="time this many tickets the old way")
    parser.add_argument("--batch", type=int, default=2000, help="tickets per batch of the job")
    parser.add_argument("--max-batches", type=int, default=None, help="stop the job after this many")
    parser.add_argument("--in-the-save", action="store_true", help="also time the save adopting all itself")
    args = parser.parse_args()
    result: dict[str, Any] = {"file": os.path.basename(args.db), "load": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(args.db))) as scratch:
        copy = os.path.join(scratch, "adopt.db")
        if args.one_by_one:
            shutil.copyfile(args.db, copy)
            old = _save_default(copy, _one_by_one(args.one_by_one))
            result["one_by_one_ms_per_ticket"] = round(old["save"]["cpu_ms"] / max(1, old["adopted"]), 2)
            print(json.dumps({"one_by_one": old}), flush=True)
        if args.in_the_save:
            shutil.copyfile(args.db, copy)
            result["in_the_save"] = _save_default(copy, inline=True)
            print(json.dumps({"in_the_save": result["in_the_save"]}), flush=True)
        shutil.copyfile(args.db, copy)
        result["in_batches"] = _save_default(copy, batch=args.batch, most=args.max_batches)
    result["load_after"] = os.getloadavg()[0]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
