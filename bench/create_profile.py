"""What `open_ticket` costs in-process, without the web request around it.

    python -m bench.create_profile --db FILE [--calls 300] [--profile 25] [--parts] [--piled N]
                                   [--instructions N]

Works on a copy of a database seeded by `python -m bench.create --data-dir DIR` (FILE is one of
its `create-<size>.db`). Opens `--calls` tickets for a signed-up customer through
`tickets.opening.open_ticket`, each in its own app context as a request would (so the setup
versions are read each time), after a few to warm the process's caches. Prints the CPU
milliseconds per call (time.process_time, median of five slices), the SQL statements per call,
with `--profile N` the N costliest functions by cumulative time (cProfile), and with `--parts`
the opening's parts: each one's share of the profiled time applied to the unprofiled CPU time.
With `--piled N` the first customer gets N more open requests (copies of one, written by a single
statement) and the slices alternate between that customer and a second one with a few: an
opening's CPU should not depend on how many requests the customer has open. With
`--instructions N`, N openings (the user's load included) between two `callgrind_control`
toggles, for a run under `valgrind --tool=callgrind --instr-atstart=no` (instruction counts do
not depend on the load).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time

from sqlalchemy import event, func, insert, literal, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Customer, Ticket, User
from bench.seed import profiled_copy

CUSTOMER_EMAIL = "bench-c1@bench.test"
OTHER_EMAIL = "bench-c2@bench.test"
# The parts of one opening, by (file, function) as cProfile names them.
PARTS = (
    ("the signed-in user's load (as the request's user loader)", "scoping.py", "get_one"),
    ("open_ticket", "tickets/opening.py", "open_ticket"),
    ("- the first read: id, setup versions, customer's figures", "tickets/opening.py", "_first_read"),
    ("- the SLA policy and clocks", "sla/clock.py", "start_ticket"),
    ("- the ticket_created rules", "rules/engine.py", "fire_trigger"),
    ("- the self-service answer", "tickets/self_service.py", "answer_automatically"),
    ("- the queue entry (team, agents, assignee's notice)", "routing/ticket_change.py", "settle_queue"),
    ("- the health rank of the customer's tickets", "relationship/risk_rank.py", "rank_customer_health"),
    ("- the customer's received mail", "mail/notices.py", "request_received"),
    ("- the ticket's INSERT", "tickets/opening.py", "_insert"),
    ("- the collected rows' INSERTs", "routing/ticket_change.py", "write_collected"),
    ("- the commit (and the team's cursor flushed)", "common/transaction.py", "transaction"),
)
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


def _slice(app, user_id: int, first: int, calls: int) -> float:
    """CPU ms per call over `calls` openings in a row."""
    started = time.process_time()
    for n in range(first, first + calls):
        _open(app, user_id, n)
    return (time.process_time() - started) * 1000 / calls


def _spread(slices: list[float]) -> str:
    return f"{statistics.median(slices):.2f} CPU ms per call ({', '.join(f'{s:.2f}' for s in slices)})"


def _instructions(app, user_id: int, count: int) -> None:
    """`count` openings between two `callgrind_control` toggles (see the module's text)."""
    for n in range(20):
        _open(app, user_id, 20_000 + n)
    os.system(f"callgrind_control -i on {os.getpid()} >/dev/null")
    for n in range(count):
        _open(app, user_id, 20_100 + n)
    os.system(f"callgrind_control -i off {os.getpid()} >/dev/null")


def _pile(app, user_id: int, count: int) -> None:
    """`count` copies of the customer's newest request, open, in one INSERT (no reference)."""
    with app.app_context():
        table = Ticket.__table__
        newest = db.session.scalar(
            select(func.max(Ticket.id)).join(Customer).where(Customer.user_id == user_id)
        )
        copied = [c for c in table.columns if c.name not in ("id", "reference")]
        numbers = select(literal(1).label("n")).cte("numbers", recursive=True)
        numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n < count))
        rows = select(*copied).where(table.c.id == newest).join(numbers, literal(True))
        db.session.execute(insert(table).from_select([c.name for c in copied], rows))
        db.session.commit()


def _print_parts(stats: pstats.Stats, cpu_ms: float) -> None:
    """Each part's cumulative profiled time as a share of one call's unprofiled CPU time."""
    cumulative: dict[tuple[str, str], float] = {}
    whole = 0.0
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        if filename.endswith("create_profile.py") and function == "_open":
            whole = row[3]
        for _label, suffix, name in PARTS:
            if filename.endswith(suffix) and function == name:
                cumulative[(suffix, name)] = cumulative.get((suffix, name), 0.0) + row[3]
    print(f"parts of one call, {cpu_ms:.2f} CPU ms in all (shares of the profiled time):")
    for label, suffix, name in PARTS:
        share = cumulative.get((suffix, name), 0.0) / whole if whole else 0.0
        print(f"  {label}: {share * cpu_ms:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a create-<size>.db seeded by bench.create")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--parts", action="store_true", help="print the CPU ms of each part")
    parser.add_argument("--piled", type=int, default=0, help="open requests to give the first customer")
    parser.add_argument("--instructions", type=int, default=0, help="openings to count under callgrind")
    args = parser.parse_args()

    with profiled_copy(args.db, "create") as (app, _scratch):
        with app.app_context():
            user_id = db.session.scalars(db.select(User.id).where(User.email == CUSTOMER_EMAIL)).one()
            other_id = db.session.scalars(db.select(User.id).where(User.email == OTHER_EMAIL)).one()
            engine = db.engine
        for n in range(10):  # the process's caches, as a worker has them after its first requests
            _open(app, user_id, n)
        statements: list[str] = []

        def count(*sent: object) -> None:
            statements.append(str(sent[2]))

        event.listen(engine, "before_cursor_execute", count)
        _open(app, user_id, 10)
        event.remove(engine, "before_cursor_execute", count)
        if args.instructions:
            _instructions(app, user_id, args.instructions)
            engine.dispose()
            return
        each = max(1, args.calls // 5)
        if args.piled:
            _pile(app, user_id, args.piled)
            _open(app, other_id, 11)
            piled, few = [], []
            for part in range(10):
                piled.append(_slice(app, user_id, 100 + part * each, each))
                few.append(_slice(app, other_id, 100 + part * each, each))
            print(f"open_ticket, a customer with {args.piled}+ open requests: {_spread(piled)}")
            print(f"open_ticket, a customer with a few: {_spread(few)}")
            engine.dispose()
            return
        slices = [_slice(app, user_id, 100 + part * each, each) for part in range(5)]
        print(f"open_ticket: {_spread(slices)}")
        print(f"SQL statements per call: {len(statements)}")
        for statement in statements:
            print("  ", " ".join(statement.split())[:150])
        if args.profile or args.parts:
            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(each):
                _open(app, user_id, 10_000 + n)
            profiler.disable()
            stats = pstats.Stats(profiler)
            if args.profile:
                stats.sort_stats("cumulative").print_stats(args.profile)
            if args.parts:
                _print_parts(stats, statistics.median(slices))
        engine.dispose()


if __name__ == "__main__":
    main()
