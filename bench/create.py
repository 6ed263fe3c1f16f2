"""Opening tickets through the portal form, under gunicorn.

    python -m bench.create [--tickets 10000,100000] [--requests 300] [--rounds 3] [--customers 500]
                           [--trace 1000] [--data-dir DIR]

For each size, seeds a scratch SQLite database (WAL) with that many tickets, the starter SLA
policies and rules, a frontline team and `--customers` signed-up customers, then starts gunicorn
with two workers in production settings (`TIERDESK_ENV=production`, a 32+ character SECRET_KEY,
an https BASE_URL) and has two clients post the new-request form with its CSRF token, rounds of
`--requests` posts in all. Each client holds half of the customers' signed-in sessions and posts
as each in turn, as a portal's many customers do: with `--customers 2` two customers post every
request, and after thousands of posts each has thousands of open requests, which no real customer
has. Every `--trace` posts (and at the end of each round) a line gives that stretch's CPU per
request and each worker's RSS, so growth along a long run shows; the result has the first and
the last stretch's CPU per request. Figures per size (medians over rounds):
tickets per second, the workers' CPU milliseconds per request (utime + stime from
/proc/<pid>/stat), SQL statements per request (one portal post counted in-process through the
test client, with a statement listener on the engine), the peak RSS of each worker (VmHWM: it
includes the sign-in's password hash), its RSS after start and at the end (VmRSS), and at
the end its PSS (pages shared with the master and the other worker counted in part), USS
(its own pages only) and the part of its RSS that is mapped library code, from
/proc/<pid>/smaps_rollup. `WEB_MEMORY_TRACE=DIR` has each worker write down what it holds
along the run (`python -m bench.memory_trace DIR` reads it).
With `--data-dir DIR` each size is seeded once into DIR/create-<tickets>.db and later runs
work on a fresh copy of it. The last line is one JSON object.

`BENCH_WEB_WORKERS=1` runs one worker instead of two (a worker's SQLite page cache is then never
emptied by the other's commits); with `BENCH_WORKER_REPORT_DIR=DIR` each worker writes its CPU
inside and outside the app (and with `BENCH_WORKER_PROFILE=1` its profile) there at its exit,
see bench/gunicorn_profiled.py.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, update

from app.database import gather_statistics
from app.domain.vocabulary import Role
from app.extensions import db
from app.memory_trace import rollup
from app.models import Customer, User
from bench.seed import seed_tickets

PASSWORD = "bench-password-1"
CUSTOMERS = ("bench-c1@bench.test", "bench-c2@bench.test")
CLIENTS = 2
ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TICKS = os.sysconf("SC_CLK_TCK")


def _setup(count: int, url: str, *, tickets_seeded: bool = False) -> None:
    """Seed the database the way a running desk has it: tickets, starter SLA and rules, a team.
    With `tickets_seeded`, the tickets are there already (a copy of another bench's file)."""
    from app import create_app
    from app.services.accounts.passwords import hash_password
    from app.services.accounts.staff_accounts import create_staff_user
    from app.services.accounts.teams import save_team
    from app.services.rules.defaults import install_default_rules
    from app.services.sla.setup import install_default_sla
    from config import Config

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench-setup")
    with app.app_context():
        now = datetime.now(UTC)
        if not tickets_seeded:
            seed_tickets(count, now=now, spread=timedelta(days=60))
        password_hash = hash_password(PASSWORD)
        db.session.execute(
            insert(User).values(
                email="bench-admin@bench.test",
                name="Bench Admin",
                role=Role.admin,
                password_hash=password_hash,
                created_at=now,
            )
        )
        for n, email in enumerate(CUSTOMERS, start=1):
            db.session.execute(
                insert(User).values(
                    id=100 + n,
                    email=email,
                    name=f"Customer {n}",
                    role=Role.customer,
                    password_hash=password_hash,
                    created_at=now,
                )
            )
            db.session.execute(update(Customer).where(Customer.id == n).values(user_id=100 + n))
        db.session.commit()
        admin = db.session.scalars(db.select(User).where(User.role == Role.admin)).one()
        install_default_sla(admin, now=now)
        install_default_rules(admin, now=now)
        team = save_team(admin, name="Frontline", tier=1, assignment_mode="round_robin", now=now)
        for n in (1, 2):
            create_staff_user(
                admin,
                name=f"Agent {n}",
                email=f"bench-agent{n}@bench.test",
                password=PASSWORD,
                support_tier=1,
                team_id=team.id,
                now=now,
            )
        with db.engine.connect() as connection:
            gather_statistics(connection, full=True)  # as after a bulk import
        db.session.remove()
        db.engine.dispose()


class Browser:
    """One signed-in customer: cookies kept by hand (production cookies are Secure, the bench
    talks plain HTTP to 127.0.0.1), a fresh connection per request as gunicorn's sync workers
    close them."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, *, keep_cookies: bool = True
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if keep_cookies and name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        connection.close()
        return response.status, text

    def token(self, path: str) -> str:
        status, text = self.request("GET", path)
        match = CSRF.search(text)
        if status != 200 or match is None:
            raise RuntimeError(f"GET {path} gave {status} without a CSRF token")
        return match.group(1)

    def sign_in(self, email: str) -> str:
        token = self.token("/auth/login")
        status, _ = self.request(
            "POST", "/auth/login", {"csrf_token": token, "email": email, "password": PASSWORD}
        )
        if status != 302:
            raise RuntimeError(f"sign-in as {email} gave {status}")
        return self.token("/portal/new")

    def post_request(self, token: str, n: int) -> None:
        status, text = self.request(
            "POST",
            "/portal/new",
            {
                "csrf_token": token,
                "subject": f"Export fails on report {n}",
                "description": "The monthly export stops half way with an error about the file size.",
                "category": "technical",
                "urgency": "normal",
                "seen": "",
            },
            # The answer's session carries its "request received" note, which a browser shows
            # (and drops) on the page it is sent to; posting again with it would pile up one note
            # per request in the cookie.
            keep_cookies=False,
        )
        if status != 302:
            raise RuntimeError(f"POST /portal/new gave {status}: {text[:300]}")


Session = tuple[Browser, str]  # a signed-in customer and their form's CSRF token


def _sign_in(port: int, numbers: range, sessions: list[Session]) -> None:
    """One client's customers, each signed in with a browser of their own."""
    for n in numbers:
        browser = Browser(port)
        sessions.append((browser, browser.sign_in(_customer_email(n))))


def _post_in_turn(sessions: list[Session], start: int, count: int) -> None:
    """One client's posts: each as the next of its customers."""
    for n in range(start, start + count):
        browser, token = sessions[n % len(sessions)]
        browser.post_request(token, n)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def _rss_mb(pid: int, field: str = "VmHWM") -> float:
    """A worker's peak (VmHWM) or present (VmRSS) resident memory in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for {pid}")


def _shared_mb(pid: int) -> tuple[float, float, float]:
    """A worker's proportional (PSS: each page shared with the master or the other worker
    counted in part) and unique (USS: its private pages only) memory, and the part of its RSS
    that is mapped files (library code) rather than anonymous memory (objects, heap), in MB."""
    fields = rollup(pid)
    unique = fields["Private_Clean"] + fields["Private_Dirty"]
    return fields["Pss"] / 1024, unique / 1024, (fields["Rss"] - fields["Anonymous"]) / 1024


def _wait_until_up(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _start_gunicorn(url: str, port: int, scratch: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TIERDESK_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "BASE_URL": "https://desk.bench.test",
        "MAIL_CATCHALL_DIR": os.path.join(scratch, "mail"),
        "ATTACHMENTS_DIR": os.path.join(scratch, "attachments"),
        # Each customer posts tens to thousands of requests: far beyond a real customer's
        # throttle; and hundreds of them sign in from one address.
        "NEW_REQUEST_LIMIT": "1000000 per hour",
        "SIGN_IN_LIMIT": "1000000 per hour",
        # bench.api's clients make thousands of calls a minute with one token each.
        "API_RATE_LIMIT": "1000000 per minute",
    }
    workers = os.environ.get("BENCH_WEB_WORKERS", "2")
    command = [sys.executable, "-m", "gunicorn", "-w", workers, "-b", f"127.0.0.1:{port}"]
    if os.environ.get("BENCH_WORKER_REPORT_DIR"):
        # Each worker reports its CPU inside and outside the app at its exit (and with
        # BENCH_WORKER_PROFILE=1 its whole profile): see bench/gunicorn_profiled.py.
        command += ["-c", "python:bench.gunicorn_profiled"]
    command += ["--no-control-socket", "--log-level", "warning", "wsgi:app"]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL)


@dataclass
class Stretch:
    """A stretch of posts: how many, in how long, at what CPU, and the workers' sizes after."""

    posts: int
    seconds: float
    cpu_ms: float
    rss_mb: list[float]

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_ms / self.posts


def timed_threads(
    calls: list[tuple[Callable[..., None], tuple[Any, ...]]], workers: list[int]
) -> tuple[float, float]:
    """Run each call in its own thread at once: the wall seconds and the workers' CPU ms."""
    before = sum(_cpu_ticks(pid) for pid in workers)
    threads = [threading.Thread(target=target, args=args) for target, args in calls]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return seconds, (sum(_cpu_ticks(pid) for pid in workers) - before) * 1000 / TICKS


def _stretch(clients: list[list[Session]], start: int, posts: int, workers: list[int]) -> Stretch:
    each = posts // len(clients)
    seconds, cpu_ms = timed_threads([(_post_in_turn, (c, start, each)) for c in clients], workers)
    rss = [round(_rss_mb(pid, "VmRSS"), 1) for pid in workers]
    return Stretch(each * len(clients), seconds, cpu_ms, rss)


def _round(
    clients: list[list[Session]], requests: int, workers: list[int], trace: int, done: int
) -> list[Stretch]:
    """One round of `requests` posts by every client, in stretches of `trace` posts."""
    stretches: list[Stretch] = []
    while sum(s.posts for s in stretches) < requests:
        posted = sum(s.posts for s in stretches)
        stretch = _stretch(clients, done + posted, min(trace, requests - posted), workers)
        if stretch.posts == 0:
            break
        stretches.append(stretch)
        if trace < requests:
            print(
                f"  after {done + posted + stretch.posts} posts: {stretch.cpu_ms_per_request:.2f} ms CPU "
                f"per request, {stretch.posts / stretch.seconds:.1f} tickets/s, "
                f"RSS per worker {stretch.rss_mb} MB",
                flush=True,
            )
    return stretches


def _per_round(stretches: list[Stretch]) -> tuple[float, float]:
    """Tickets per second and CPU ms per request over a round's stretches."""
    posts = sum(s.posts for s in stretches)
    return posts / sum(s.seconds for s in stretches), sum(s.cpu_ms for s in stretches) / posts


def _statements_per_request(url: str, samples: int = 5) -> int:
    """SQL statements of one portal post, counted in-process (the median of a few)."""
    from app import create_app
    from config import Config

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench-count", WTF_CSRF_ENABLED=False)
    counts = []
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    client.post("/auth/login", data={"email": CUSTOMERS[0], "password": PASSWORD})
    for n in range(samples):
        seen: list[str] = []

        def count(*args: object, seen: list[str] = seen) -> None:
            seen.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", count)
        response = client.post(
            "/portal/new",
            data={
                "subject": f"Counted request {n}",
                "description": "The monthly export stops half way with an error about the file size.",
                "category": "technical",
                "urgency": "normal",
            },
        )
        event.remove(engine, "before_cursor_execute", count)
        if response.status_code != 302:
            raise RuntimeError(f"counted post gave {response.status_code}")
        counts.append(len(seen))
    engine.dispose()
    return int(statistics.median(counts))


def _customer_email(n: int) -> str:
    return f"bench-c{n}@bench.test"


def _seeded(count: int, scratch: str, data_dir: str | None, customers: int) -> str:
    """The URL of a freshly seeded database in scratch (copied from data_dir when seeded before)."""
    path = os.path.join(scratch, "create.db")
    kept = os.path.join(data_dir, f"create-{count}.db") if data_dir else None
    if kept is None or not os.path.exists(kept):
        started = time.perf_counter()
        _setup(count, f"sqlite:///{path}")
        print(f"seeded {count} tickets in {time.perf_counter() - started:.1f}s", flush=True)
        if kept is not None:
            os.makedirs(os.path.dirname(kept), exist_ok=True)
            _checkpoint(path)
            shutil.copyfile(path, kept)
    else:
        shutil.copyfile(kept, path)
        _current_hashes(path)
    _sign_up(path, customers)
    return f"sqlite:///{path}"


def _sign_up(path: str, customers: int) -> None:
    """Logins for the seeded customers 1..`customers` that have none, with the first bench
    customer's password hash (customers 1 and 2 were signed up when the file was seeded)."""
    import sqlite3

    with sqlite3.connect(path) as connection:
        for n in range(1, customers + 1):
            if connection.execute("SELECT user_id FROM customers WHERE id = ?", (n,)).fetchone()[0]:
                continue
            email = _customer_email(n)
            connection.execute(
                "INSERT INTO users (email, name, password_hash, role, active, failed_logins, created_at)"
                " SELECT ?, ?, password_hash, role, 1, 0, created_at FROM users WHERE email = ?",
                (email, f"Customer {n}", CUSTOMERS[0]),
            )
            connection.execute(
                "UPDATE customers SET user_id = (SELECT id FROM users WHERE email = ?) WHERE id = ?",
                (email, n),
            )


def _current_hashes(path: str) -> None:
    """The bench's people get a password hash made with today's settings, as they would after
    their first sign-in since a change of settings (a database seeded earlier keeps old ones)."""
    import sqlite3

    from werkzeug.security import generate_password_hash

    from config import ProductionConfig

    password_hash = generate_password_hash(PASSWORD, method=ProductionConfig.PASSWORD_HASH_METHOD)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE users SET password_hash = ?", (password_hash,))


def _checkpoint(path: str) -> None:
    """Fold the WAL into the file, so that the file alone holds the database."""
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def measure(
    count: int, requests: int, rounds: int, data_dir: str | None = None, *, customers: int, trace: int
) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory() as scratch:
        url = _seeded(count, scratch, data_dir, customers)
        port = _free_port()
        server = _start_gunicorn(url, port, scratch)
        try:
            _wait_until_up(port, time.monotonic() + 30)
            time.sleep(1)  # both workers booted
            workers = _workers(server.pid)
            started_rss = max(_rss_mb(pid, "VmRSS") for pid in workers)
            clients: list[list[Session]] = [[] for _ in range(CLIENTS)]
            signing_in = [
                threading.Thread(
                    target=_sign_in, args=(port, range(1 + c, customers + 1, CLIENTS), clients[c])
                )
                for c in range(CLIENTS)
            ]
            for thread in signing_in:
                thread.start()
            for thread in signing_in:
                thread.join()
            if sum(len(c) for c in clients) != customers:
                raise RuntimeError("not every customer could sign in")
            _round(clients, 20, workers, trace, 0)  # warm up both workers
            stretches = []
            for r in range(rounds):
                stretches.append(_round(clients, requests, workers, trace, 20 + r * requests))
            # Read after the sign-ins and every request, before the workers stop: the peak
            # counts the sign-in's password hash and everything the requests built.
            rss = max(_rss_mb(pid) for pid in workers)
            resident = max(_rss_mb(pid, "VmRSS") for pid in workers)
            shared = [_shared_mb(pid) for pid in workers]
            pss, uss = max(pss for pss, _, _ in shared), max(uss for _, uss, _ in shared)
            files = max(files for _, _, files in shared)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        statements = _statements_per_request(url)
    figures = [_per_round(s) for s in stretches]
    return {
        "tickets": count,
        "customers": customers,
        "posts": requests * rounds,
        "tickets_per_s": round(statistics.median(f[0] for f in figures), 1),
        "cpu_ms_per_request": round(statistics.median(f[1] for f in figures), 2),
        "cpu_ms_per_request_first_stretch": round(stretches[0][0].cpu_ms_per_request, 2),
        "cpu_ms_per_request_last_stretch": round(stretches[-1][-1].cpu_ms_per_request, 2),
        "sql_per_request": statements,
        "peak_rss_mb_per_worker": round(rss, 1),
        "rss_mb_per_worker_at_start": round(started_rss, 1),
        "rss_mb_per_worker_at_end": round(resident, 1),
        "pss_mb_per_worker_at_end": round(pss, 1),
        "uss_mb_per_worker_at_end": round(uss, 1),
        "file_mb_per_worker_at_end": round(files, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", default="10000,100000", help="comma-separated sizes")
    parser.add_argument("--requests", type=int, default=300, help="posts per round, both clients")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--customers",
        type=int,
        default=500,
        help="signed-up customers posting in turn (at least 2; the seeded desk has 5,000)",
    )
    parser.add_argument("--trace", type=int, default=1000, help="posts per stretch of the trace")
    parser.add_argument("--data-dir", help="seed each size once into this folder and reuse it")
    args = parser.parse_args()
    if not CLIENTS <= args.customers <= 5000:
        parser.error("--customers must be between 2 and 5000")
    if args.trace < CLIENTS:
        parser.error("--trace must be at least 2")
    results = []
    for count in (int(n) for n in args.tickets.split(",")):
        results.append(
            measure(
                count,
                args.requests,
                args.rounds,
                args.data_dir,
                customers=args.customers,
                trace=args.trace,
            )
        )
        print(json.dumps(results[-1]), flush=True)
    print(
        json.dumps(
            {
                "workers": 2,
                "customers": args.customers,
                "requests_per_round": args.requests,
                "rounds": args.rounds,
                "sizes": results,
            }
        )
    )


if __name__ == "__main__":
    main()
