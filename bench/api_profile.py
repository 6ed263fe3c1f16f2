"""What `POST /api/v1/tickets` costs in-process, and how much of it is the request around
`open_ticket` (token, rate limit, schema load, answer, hooks).

    python -m bench.api_profile --db FILE [--calls 1000] [--around] [--profile N [--dump FILE]]
                                [--instructions N] [--direct]

Works on a copy of a database seeded by `python -m bench.api --keep DIR` (FILE is one of its
`api-<size>.db`). Builds the app in production settings as bench.api's gunicorn has them, gives a
customer a read-write token, and posts tickets through the app's WSGI interface (a test client:
no sockets, so the figure is the app's own CPU), after a few to warm the process's caches.

Prints the CPU milliseconds per request and per `open_ticket` call (time.process_time, medians
of five slices of `--calls`), their difference (the request around the opening) and the SQL
statements per request inside and outside `open_ticket`. On a loaded machine the least slice is
the steadier figure. With `--around`, first the request alone around a stub that returns the
newest ticket (its own time left out; 40 slices of 50 requests). With `--profile N` the N
costliest functions by own and by cumulative time (cProfile; with `--around`, around the stub),
`--dump FILE` keeps that profile for pstats. With `--instructions N`, N requests (around the stub
with `--around`) between two `callgrind_control` toggles, for a run under
`valgrind --tool=callgrind --instr-atstart=no` (instruction counts do not depend on the load).

The test client builds each request's environ and reads its answer in Python, and the stub reads
the newest ticket with a query of its own: both are counted with the request. With `--direct`
the WSGI app is called straight, with the environ built once as gunicorn hands it over, and the
stub answers with a ticket read before the first request (kept loaded, no query), so `--around`
counts the request's own work and nothing else.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, select

import app.api.tickets as api_tickets
from app.extensions import db
from app.models import Ticket, User
from bench.web_cost import call_wsgi

CUSTOMER_EMAIL = "bench-c1@bench.test"
BODY = json.dumps(
    {
        "subject": "Export fails on report",
        "description": "The monthly export stops half way with an error about the file size.",
        "category": "technical",
    }
)


class Timed:
    """An opener (the real one or the stub) with its CPU time counted apart."""

    def __init__(self, opener: Any) -> None:
        self.opener = opener
        self.seconds = 0.0
        self.inside = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        self.inside = True
        try:
            return self.opener(*args, **kwargs)
        finally:
            self.inside = False
            self.seconds += time.process_time() - started


def _newest_ticket(*_args: Any, **_kwargs: Any) -> Ticket:
    """The stub in place of `open_ticket`: the request around it does all it does for a real one."""
    return db.session.scalars(select(Ticket).order_by(Ticket.id.desc()).limit(1)).one()


class _KeptTicket:
    """The stub of `--direct`: one ticket read before the first request, with every column
    loaded and kept apart from the session, answered at each call without a query."""

    def __init__(self) -> None:
        self.ticket: Ticket | None = None

    def __call__(self, *_args: Any, **_kwargs: Any) -> Ticket:
        if self.ticket is None:
            ticket = _newest_ticket()
            db.session.expunge(ticket)
            self.ticket = ticket
        return self.ticket


def _app(path: str, scratch: str):
    from app import create_app
    from config import ProductionConfig

    return create_app(
        ProductionConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
        SECRET_KEY="bench-api-profile-" + "x" * 32,
        BASE_URL="https://desk.bench.test",
        MAIL_CATCHALL_DIR=os.path.join(scratch, "mail"),
        ATTACHMENTS_DIR=os.path.join(scratch, "attachments"),
        NEW_REQUEST_LIMIT="1000000 per hour",
        API_RATE_LIMIT="1000000 per minute",
    )


class DirectClient:
    """Posts the ticket straight to the WSGI app, the environ built once (as gunicorn hands it
    over for a request to 127.0.0.1), its body read from a fresh stream each time."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.body = BODY.encode()
        self.environ = {
            "REQUEST_METHOD": "POST",
            "SCRIPT_NAME": "",
            "PATH_INFO": "/api/v1/tickets",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_PORT": "50000",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "HTTP_USER_AGENT": "bench.api_profile",
            "HTTP_ACCEPT": "application/json",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(self.body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }

    def post(self) -> tuple[str, bytes]:
        return call_wsgi(self.app, self.environ, self.body)


def _post(client, token: str) -> None:
    if isinstance(client, DirectClient):
        status, data = client.post()
        if not status.startswith("201 "):
            raise RuntimeError(f"POST /api/v1/tickets gave {status}: {data[:300]!r}")
        return
    response = client.post(
        "/api/v1/tickets",
        data=BODY,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    if response.status_code != 201:
        raise RuntimeError(f"POST /api/v1/tickets gave {response.status_code}: {response.data[:300]!r}")


def _figures(label: str, values: list[float]) -> str:
    spread = ", ".join(f"{v:.2f}" for v in values)
    return f"{label}: {statistics.median(values):.2f} CPU ms (least {min(values):.2f}; {spread})"


def _around_stub(client, token: str, stub_opener: Callable[..., Ticket]) -> None:
    stub = Timed(stub_opener)
    api_tickets.open_ticket = stub  # type: ignore[assignment]
    slices = []
    for _ in range(40):
        stub.seconds = 0.0
        started = time.process_time()
        for _ in range(50):
            _post(client, token)
        slices.append((time.process_time() - started - stub.seconds) * 1000 / 50)
    print(f"the request around a stub: {statistics.median(slices):.3f} CPU ms (least {min(slices):.3f})")


def _instructions(client, token: str, count: int, around: Callable[..., Ticket] | None) -> None:
    if around is not None:
        api_tickets.open_ticket = around  # type: ignore[assignment]
    for _ in range(20):
        _post(client, token)
    os.system(f"callgrind_control -i on {os.getpid()} >/dev/null")
    for _ in range(count):
        _post(client, token)
    os.system(f"callgrind_control -i off {os.getpid()} >/dev/null")


def _measure(client, token: str, engine, calls: int) -> None:
    timed = Timed(api_tickets.open_ticket)
    api_tickets.open_ticket = timed  # type: ignore[assignment]
    for _ in range(20):  # the process's caches, as a worker has them after its first requests
        _post(client, token)
    outside: list[str] = []
    inside: list[str] = []

    def count(*sent: object) -> None:
        (inside if timed.inside else outside).append(" ".join(str(sent[2]).split())[:150])

    event.listen(engine, "before_cursor_execute", count)
    for _ in range(5):
        _post(client, token)
    event.remove(engine, "before_cursor_execute", count)
    whole, opening = [], []
    each = max(1, calls // 5)
    for _ in range(5):
        timed.seconds = 0.0
        started = time.process_time()
        for _ in range(each):
            _post(client, token)
        whole.append((time.process_time() - started) * 1000 / each)
        opening.append(timed.seconds * 1000 / each)
    print(_figures("request", whole))
    print(_figures("open_ticket", opening))
    print(_figures("around open_ticket", [w - o for w, o in zip(whole, opening, strict=True)]))
    print(f"SQL statements per request: {len(inside) / 5:g} in open_ticket, {len(outside) / 5:g} outside")
    for statement in sorted(set(outside)):
        print("  ", statement)


def _profile(client, token: str, count: int, top: int, dump: str | None) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        _post(client, token)
    profiler.disable()
    stats = pstats.Stats(profiler)
    if dump:
        stats.dump_stats(dump)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="an api-<size>.db kept by bench.api --keep")
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--around", action="store_true", help="the request alone, around a stub")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--dump", help="write the profile to this file (for pstats)")
    parser.add_argument("--instructions", type=int, default=0, help="requests to count under callgrind")
    parser.add_argument(
        "--direct",
        action="store_true",
        help="call the WSGI app straight (environ built once) around a stub that reads nothing",
    )
    args = parser.parse_args()

    from app.services.accounts.api_tokens import create_api_token

    real_opener = api_tickets.open_ticket
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "api.db")
        shutil.copyfile(args.db, path)
        app = _app(path, scratch)
        with app.app_context():
            user = db.session.scalars(select(User).where(User.email == CUSTOMER_EMAIL)).one()
            token = create_api_token(user, "bench", "read_write")[1]
            engine = db.engine
            db.session.remove()
        client = DirectClient(app, token) if args.direct else app.test_client()
        stub: Callable[..., Ticket] = _KeptTicket() if args.direct else _newest_ticket
        try:
            if args.instructions:
                _instructions(client, token, args.instructions, stub if args.around else None)
                return
            if args.around:
                _around_stub(client, token, stub)
            api_tickets.open_ticket = real_opener
            _measure(client, token, engine, args.calls)
            if args.profile:
                if args.around:
                    api_tickets.open_ticket = stub  # type: ignore[assignment]
                _profile(client, token, max(1, args.calls // 5), args.profile, args.dump)
        finally:
            api_tickets.open_ticket = real_opener
            engine.dispose()


if __name__ == "__main__":
    main()
