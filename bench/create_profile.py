"""What `open_ticket` costs in-process, without the web request around it.

    python -m bench.create_profile --db FILE [--calls 300] [--profile 25]

Works on a copy of a database seeded by `python -m bench.create --seeded DIR` (FILE is one of
its `create-<size>.db`). Opens `--calls` tickets for a signed-up customer through
`tickets.opening.open_ticket`, each in its own app context as a request would (so the setup
versions are read each time), after a few to warm the process's caches. Prints the CPU
milliseconds per call (time.process_time, median of five slices), the SQL statements per call,
and with `--profile N` the N costliest functions by cumulative time (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import tempfile
import time

from sqlalchemy import event
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Customer, User

CUSTOMER_EMAIL = "bench-c1@bench.test"
DESCRIPTION = "The monthly export stops half way with an error about the file size."


def _open(app, user_id: int, n: int) -> None:
    from app.services.tickets.opening import open_ticket

    with app.app_context():
        # As the request's user loader has it: with the customer and organization, one statement.
        options = [joinedload(User.customer).joinedload(Customer.organization)]
        user = db.session.get_one(User, user_id, options=options)
        open_ticket(
            user, subject=f"Export fails on report {n}", description=DESCRIPTION, category="technical"
        )
        db.session.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a create-<size>.db seeded by bench.create")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    args = parser.parse_args()

    from app import create_app
    from config import Config

    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "create.db")
        shutil.copyfile(args.db, path)
        app = create_app(
            Config,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
            SECRET_KEY="bench-profile",
            BASE_URL="https://desk.bench.test",
            MAIL_CATCHALL_DIR=os.path.join(scratch, "mail"),
        )
        with app.app_context():
            user_id = db.session.scalars(db.select(User.id).where(User.email == CUSTOMER_EMAIL)).one()
            engine = db.engine
        for n in range(10):  # the process's caches, as a worker has them after its first requests
            _open(app, user_id, n)
        statements: list[str] = []

        def count(*sent: object) -> None:
            statements.append(str(sent[2]))

        event.listen(engine, "before_cursor_execute", count)
        _open(app, user_id, 10)
        event.remove(engine, "before_cursor_execute", count)
        slices = []
        each = max(1, args.calls // 5)
        for part in range(5):
            started = time.process_time()
            for n in range(each):
                _open(app, user_id, 100 + part * each + n)
            slices.append((time.process_time() - started) * 1000 / each)
        spread = ", ".join(f"{s:.2f}" for s in slices)
        print(f"open_ticket: {statistics.median(slices):.2f} CPU ms per call ({spread})")
        print(f"SQL statements per call: {len(statements)}")
        for statement in statements:
            print("  ", " ".join(statement.split())[:150])
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(each):
                _open(app, user_id, 10_000 + n)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
        engine.dispose()


if __name__ == "__main__":
    main()
