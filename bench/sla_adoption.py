"""What saving an SLA policy costs when many open tickets wait without one.

    python -m bench.sla_adoption --db FILE [--one-by-one 300]

FILE is a seeded SQLite file whose tickets have no policy yet (`bench.queues --db` leaves such
files, queues-<size>.db). On a copy of it (production settings), an admin saves two calendars and
then the starter matrix's default policy, which gives every active ticket its policy, clocks and
pauses; the script prints the CPU and wall seconds of that save and how many tickets took the
policy. With `--one-by-one N` it first times, on another copy, the way a save did it before: N
waiting tickets loaded and adopted one at a time through the clock hooks (ms per ticket).

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


def _save_default(path: str, adopt: Callable[[datetime], int] | None = None) -> dict[str, Any]:
    """The admin's save of a default policy on a copy of the file: its CPU and wall seconds."""
    from app import create_app
    from app.services.sla import setup
    from config import Config

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", SECRET_KEY="bench-sla")
    original = setup.adopt_waiting
    if adopt is not None:
        setup.adopt_waiting = adopt
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
            adopted = db.session.scalar(
                select(db.func.count()).select_from(Ticket).where(Ticket.sla_policy_id.is_not(None))
            )
            db.session.remove()
            db.engine.dispose()
    finally:
        setup.adopt_waiting = original
    return {"adopted": adopted, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a seeded SQLite file whose tickets have no policy")
    parser.add_argument("--one-by-one", type=int, default=0, help="time this many tickets the old way")
    args = parser.parse_args()
    result: dict[str, Any] = {"file": os.path.basename(args.db), "load": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(args.db))) as scratch:
        copy = os.path.join(scratch, "adopt.db")
        if args.one_by_one:
            shutil.copyfile(args.db, copy)
            old = _save_default(copy, _one_by_one(args.one_by_one))
            result["one_by_one_ms_per_ticket"] = round(old["cpu_s"] * 1000 / max(1, old["adopted"]), 2)
            print(json.dumps({"one_by_one": old}), flush=True)
        shutil.copyfile(args.db, copy)
        result["in_bulk"] = _save_default(copy)
    result["load_after"] = os.getloadavg()[0]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
