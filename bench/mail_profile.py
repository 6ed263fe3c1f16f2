"""What an inbound mail costs in-process, without the SMTP session around it.

    python -m bench.mail_profile --db FILE [--calls 300] [--profile N] [--senders known|new]
                                 [--instructions N]

Works on a copy of a database seeded by `python -m bench.create --data-dir DIR` (FILE is one of
its `create-<size>.db`). Each mail goes through `inbound.receive_mail` inside an app context of
its own, as the endpoint's DATA hook hands it over: first `--calls` new requests, each from a
sender of its own, then as many answers, each to one of those requests (In-Reply-To its
Message-ID, its [TD-…] reference in the subject), as `bench.mail` sends them. `--senders new`
(the default, as bench.mail) writes from addresses the desk does not know, so each request also
creates the customer and their login; `--senders known` from the seeded customers, who have a
customer record but no login yet. A few of each kind go first to warm the process's caches.

Prints the CPU milliseconds per new request and per answer (time.process_time, medians of five
slices), the SQL statements of one of each, and with `--profile N` the N costliest functions by
cumulative and by own CPU time for each kind (cProfile). With `--instructions N`, N requests and N
answers between `callgrind_control` toggles, each kind dumped as a part of its own (the first
two parts; `callgrind_annotate` gives each one's total), for a run under
`valgrind --tool=callgrind --instr-atstart=no` (instruction counts do not depend on the load).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from collections.abc import Callable

from sqlalchemy import event, select

from app.extensions import db
from app.models import MailId, Ticket
from bench.mail import customer_mail
from bench.seed import profiled_copy

BODY = "The monthly export stops half way with an error about the file size.\n\nThanks,\nA customer\n"


def _mail(sender: str, subject: str, message_id: str, in_reply_to: str | None = None) -> bytes:
    """A mail as a customer's client sends it (bench.mail's shape)."""
    return customer_mail(sender, subject, BODY, message_id, in_reply_to)


class Mails:
    """New requests numbered from 1, from `sender(n)`, and the answers to each one's ticket."""

    def __init__(self, sender: Callable[[int], str]) -> None:
        self.sender = sender

    def request(self, n: int) -> bytes:
        return _mail(self.sender(n), f"Export fails on report {n}", f"<q{n}@bench.test>")

    def answer(self, n: int) -> bytes:
        reference = db.session.scalar(
            select(Ticket.reference)
            .join(MailId, MailId.ticket_id == Ticket.id)
            .where(MailId.message_id == f"q{n}@bench.test")
        )
        return _mail(
            self.sender(n),
            f"Re: [{reference}] Export fails on report {n}",
            f"<a{n}@bench.test>",
            f"<q{n}@bench.test>",
        )


def _receive(app, raw: bytes) -> None:
    from app.services.inbound_mail.inbound import receive_mail

    with app.app_context():  # as the endpoint's DATA hook
        kept = receive_mail(raw, source="smtp")
        assert kept.status == "processed", (kept.status, kept.reason)


def _prepared(app, make: Callable[[int], bytes], numbers: range) -> list[bytes]:
    """The mails, built beforehand (the answers need their request's reference)."""
    with app.app_context():
        mails = [make(n) for n in numbers]
        db.session.remove()
    return mails


def _slice(app, mails: list[bytes]) -> float:
    """CPU ms per mail over `mails` received in a row."""
    started = time.process_time()
    for raw in mails:
        _receive(app, raw)
    return (time.process_time() - started) * 1000 / len(mails)


def _spread(slices: list[float]) -> str:
    return f"{statistics.median(slices):.2f} CPU ms per mail ({', '.join(f'{s:.2f}' for s in slices)})"


def _statements(app, engine, raw: bytes) -> list[str]:
    seen: list[str] = []

    def count(*sent: object) -> None:
        seen.append(" ".join(str(sent[2]).split())[:150])

    event.listen(engine, "before_cursor_execute", count)
    try:
        _receive(app, raw)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def _counted(work: Callable[[], object], part: str) -> None:
    """`work` between two callgrind_control toggles, its counts dumped as a part of its own."""
    os.system(f"callgrind_control -i on {os.getpid()} >/dev/null")
    work()
    os.system(f"callgrind_control -i off {os.getpid()} >/dev/null")
    os.system(f"callgrind_control -d {part} {os.getpid()} >/dev/null")


def _profile(app, mails: list[bytes], top: int, label: str) -> None:
    profiler = cProfile.Profile(time.process_time)  # CPU time, as the figures above
    profiler.enable()
    for raw in mails:
        _receive(app, raw)
    profiler.disable()
    print(f"--- {label}: {len(mails)} mails, by cumulative time")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    print(f"--- {label}: by own time")
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a create-<size>.db seeded by bench.create")
    parser.add_argument("--calls", type=int, default=300, help="new requests, and as many answers")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--senders", choices=("new", "known"), default="new")
    parser.add_argument("--instructions", type=int, default=0, help="mails of each kind under callgrind")
    args = parser.parse_args()

    if args.senders == "new":
        mails = Mails(lambda n: f"sender{n}@bench.test")
    else:
        mails = Mails(lambda n: f"c{n + 2}@bench.test")  # customers 1 and 2 have logins
    with profiled_copy(args.db, "mail", MAIL_SENDER_PER_HOUR=1_000_000) as (app, _scratch):
        with app.app_context():
            engine = db.engine
        warm = range(1, 11)
        for raw in _prepared(app, mails.request, warm) + _prepared(app, mails.answer, warm):
            _receive(app, raw)
        new_statements = _statements(app, engine, _prepared(app, mails.request, range(11, 12))[0])
        reply_statements = _statements(app, engine, _prepared(app, mails.answer, range(11, 12))[0])
        first = 100
        if args.instructions:
            requests = _prepared(app, mails.request, range(first, first + args.instructions))
            _counted(lambda: [_receive(app, raw) for raw in requests], "requests")
            answers = _prepared(app, mails.answer, range(first, first + args.instructions))
            _counted(lambda: [_receive(app, raw) for raw in answers], "answers")
            engine.dispose()
            return
        each = max(1, args.calls // 5)
        parts = [range(first + k * each, first + (k + 1) * each) for k in range(5)]
        new = [_slice(app, _prepared(app, mails.request, part)) for part in parts]
        replies = [_slice(app, _prepared(app, mails.answer, part)) for part in parts]
        print(f"new request by mail: {_spread(new)}")
        print(f"answer by mail: {_spread(replies)}")
        for label, statements in (("new request", new_statements), ("answer", reply_statements)):
            print(f"SQL statements per {label}: {len(statements)}")
            for statement in statements:
                print("  ", statement)
        if args.profile:
            numbers = range(first + 5 * each, first + 6 * each)
            _profile(app, _prepared(app, mails.request, numbers), args.profile, "new requests")
            _profile(app, _prepared(app, mails.answer, numbers), args.profile, "answers")
        engine.dispose()


if __name__ == "__main__":
    main()
