"""The JSON API under gunicorn: opening tickets, the ticket list's latency, webhook deliveries.

    python -m bench.api [--tickets 10000,100000,1000000] [--requests 600] [--rounds 3] [--samples 200]
                        [--connections 6] [--keep DIR] [--list-only]

For each size, seeds a scratch SQLite database (WAL) the way bench.create does (that many tickets,
the starter SLA policies and rules, a frontline team, two customers with portal accounts), gives
each customer and the admin a personal API token, and starts gunicorn with two workers in
production settings. Then:

- tickets per second: `POST /api/v1/tickets` in rounds of `--requests` (median over rounds), the
  two customers' tokens in turn, from a load generator in a process of its own
  (`bench/api_load.py`: every request encoded before the round, `--connections` of them in
  flight at once over raw sockets, each answer checked for 201), with the workers' CPU ms per
  request and the client's beside it; at the end the tickets in the database are counted
  against the posts answered 201;
- the ticket list: `GET /api/v1/tickets?limit=25` as the admin, the first page and page 1,000 (its
  cursor made from the row 24,975 rows down, as a client that paged there would hold it; the last
  page when there are fewer tickets), `--samples` requests each, one at a time: p50 and p95 in ms
  and the workers' CPU ms per request; then the same two pages narrowed by each filter the list
  offers (status, tier, priority, assignee, customer, organization, and two pairs). One ticket in
  ten is assigned to a bench agent, so the assignee filter has pages to walk;
- webhook deliveries per second, from `bench.webhooks.deliveries_per_second()` when that module
  exists (null otherwise).

With `--keep DIR` each size's seeded file is kept as DIR/api-<size>.db and reused by later runs
(each run works on a copy, so the tickets it opens and the tokens it makes never pile up);
`--list-only` times the list alone (no tickets opened, no webhooks).

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib
import importlib.util
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from sqlalchemy import ColumnElement, select, update

from app.extensions import db
from app.models import Customer, Ticket, User
from app.services.accounts.api_tokens import create_api_token
from app.services.common.pagination import encode_cursor
from bench.create import (
    CUSTOMERS,
    ROOT,
    TICKS,
    _cpu_ticks,
    _free_port,
    _setup,
    _start_gunicorn,
    _wait_until_up,
    _workers,
)
from bench.seed import fast_bulk_writes

PAGE = 25
DEEP_PAGE = 1000
AGENT = "bench-agent1@bench.test"


def _filters(agent_id: int, customer: Customer) -> dict[str, dict[str, object]]:
    """Each filter the list offers, with a value that has tickets in the seeded data."""
    return {
        "all": {},
        "status": {"status": "open"},
        "tier": {"tier": 3},
        "priority": {"priority": "urgent"},
        "assignee": {"assignee_id": agent_id},
        "customer": {"customer_id": customer.id},
        "organization": {"organization_id": customer.organization_id},
        "tier_status": {"tier": 1, "status": "pending"},
        "assignee_status": {"assignee_id": agent_id, "status": "open"},
    }


def _deep_cursor(criteria: list[ColumnElement[bool]]) -> tuple[str | None, int]:
    """The cursor a client holds for page 1,000 of a list (its last page when it is shorter)."""
    total = db.session.scalar(select(db.func.count()).select_from(Ticket).where(*criteria)) or 0
    page = min(DEEP_PAGE, max(1, -(-total // PAGE)))
    if page == 1:
        return None, 1
    # The row just above that page: its (created_at, id) is the cursor the page follows.
    row = db.session.execute(
        select(Ticket.created_at, Ticket.id)
        .where(*criteria)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .offset((page - 1) * PAGE - 1)
        .limit(1)
    ).one()
    return encode_cursor(row.created_at, row.id), page


def _assign_some(url: str) -> None:
    """One ticket in ten to a bench agent, as a desk that has worked for a while has them."""
    from app import create_app
    from config import Config

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench-assign")
    with app.app_context():
        agent = db.session.scalars(select(User).where(User.email == AGENT)).one()
        db.session.execute(update(Ticket).where(Ticket.id % 10 == 0).values(assignee_id=agent.id))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _tokens_and_paths(url: str) -> tuple[list[str], str, dict[str, tuple[str, str, int]]]:
    """A token for each customer and one for the admin; for each filter, the paths of its first
    page and of its page 1,000 (or last), and that page's number."""
    from urllib.parse import urlencode

    from app import create_app
    from config import Config

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench-tokens")
    paths = {}
    with app.app_context():
        users = {u.email: u for u in db.session.scalars(select(User))}
        customers = [create_api_token(users[email], "bench", "read_write")[1] for email in CUSTOMERS]
        admin = create_api_token(users["bench-admin@bench.test"], "bench", "read")[1]
        customer = db.session.get(Customer, 1)
        assert customer is not None
        for name, values in _filters(users[AGENT].id, customer).items():
            criteria = [getattr(Ticket, field) == value for field, value in values.items()]
            cursor, page = _deep_cursor(criteria)
            first = f"/api/v1/tickets?{urlencode({**values, 'limit': PAGE})}"
            deep = first + (f"&cursor={cursor}" if cursor else "")
            paths[name] = (first, deep, page)
        db.session.remove()
        db.engine.dispose()
    return customers, admin, paths


def _call(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}"}
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


class Round:
    """One round of posts from the load generator: tickets per second, the workers' and the
    client's CPU ms per ticket, and the posts answered 201."""

    def __init__(self, port: int, tokens: list[str], connections: int) -> None:
        self.port = port
        self.tokens = tokens
        self.connections = connections
        self.opened = 0

    def run(self, requests: int, workers: list[int]) -> tuple[float, float, float]:
        job = {
            "port": self.port,
            "tokens": self.tokens,
            "count": requests,
            "connections": self.connections,
            "first": self.opened,
        }
        client = subprocess.Popen(
            [sys.executable, "-m", "bench.api_load"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert client.stdin is not None and client.stdout is not None
        try:
            client.stdin.write(json.dumps(job) + "\n")
            client.stdin.flush()
            if client.stdout.readline().strip() != "ready":
                raise RuntimeError("the load generator did not start")
            before = sum(_cpu_ticks(pid) for pid in workers)
            client.stdin.write("go\n")
            client.stdin.flush()
            line = client.stdout.readline()
            ticks = sum(_cpu_ticks(pid) for pid in workers) - before
        finally:
            client.stdin.close()
            client.wait(timeout=60)
        if not line:
            raise RuntimeError(f"the load generator ended with {client.returncode}")
        result = json.loads(line)
        created = result["statuses"].get("201", 0)
        self.opened += created
        if created != requests:
            raise RuntimeError(f"POST /api/v1/tickets answered {result['statuses']}: {result['refused']}")
        return (
            requests / result["seconds"],
            ticks * 1000 / TICKS / requests,
            result["cpu_ms"] / requests,
        )


def _ticket_count(url: str) -> int:
    with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection:
        count: int = connection.execute("SELECT count(*) FROM tickets").fetchone()[0]
    return count


def _latency(port: int, token: str, path: str, samples: int, workers: list[int]) -> dict[str, float]:
    """p50 and p95 of one request at a time, and the workers' CPU ms per request (what a busy
    machine does not inflate)."""
    timings = []
    before = sum(_cpu_ticks(pid) for pid in workers)
    for _ in range(samples):
        started = time.perf_counter()
        status, data = _call(port, "GET", path, token)
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"GET {path} gave {status}: {data[:300]!r}")
    ticks = sum(_cpu_ticks(pid) for pid in workers) - before
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "cpu_ms": round(ticks * 1000 / os.sysconf("SC_CLK_TCK") / samples, 2),
    }


def _seeded(count: int, scratch: str, keep: str | None) -> str:
    """A SQLite file seeded with `count` tickets, copied into `scratch`: from DIR/api-<count>.db
    when `keep` names a directory (seeded there first if it is not yet), else seeded afresh.
    A DIR/queues-<count>.db that bench.queues kept gives its tickets instead of seeding anew."""
    path = os.path.join(keep or scratch, f"api-{count}.db")
    if keep is None or not os.path.exists(path):
        started = time.perf_counter()
        tickets = os.path.join(keep or scratch, f"queues-{count}.db")
        if os.path.exists(tickets) and os.path.exists(f"{tickets}.json"):
            shutil.copyfile(tickets, path)  # bench.queues leaves its file checkpointed
        with fast_bulk_writes():
            _setup(count, f"sqlite:///{path}", tickets_seeded=os.path.exists(path))
            _assign_some(f"sqlite:///{path}")
        print(f"seeded {count} tickets in {time.perf_counter() - started:.1f}s", flush=True)
    else:
        print(f"reusing {path}", flush=True)
    if keep is None:
        return path
    copy = os.path.join(scratch, "api.db")
    shutil.copyfile(path, copy)
    return copy


def measure(
    count: int,
    requests: int,
    rounds: int,
    samples: int,
    keep: str | None = None,
    list_only: bool = False,
    connections: int = 6,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir=keep) as scratch:
        url = f"sqlite:///{_seeded(count, scratch, keep)}"
        customers, admin, paths = _tokens_and_paths(url)
        tickets_before = _ticket_count(url)
        port = _free_port()
        server = _start_gunicorn(url, port, scratch)
        try:
            _wait_until_up(port, time.monotonic() + 30)
            time.sleep(1)  # both workers booted
            workers = _workers(server.pid)
            lists: dict[str, Any] = {}
            for name, (first_path, deep_path, page) in paths.items():
                _latency(port, admin, first_path, 20, workers)  # warm up both workers and the cache
                _latency(port, admin, deep_path, 20, workers)
                lists[name] = {
                    "first_page": _latency(port, admin, first_path, samples, workers),
                    f"page_{page}": _latency(port, admin, deep_path, samples, workers),
                }
            figures: list[tuple[float, float, float]] = []
            opener = Round(port, customers, connections)
            if not list_only:
                opener.run(20, workers)  # warm up both workers
                figures = [opener.run(requests, workers) for _ in range(rounds)]
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        stored = _ticket_count(url) - tickets_before
        if stored != opener.opened:
            raise RuntimeError(f"{opener.opened} posts answered 201, but {stored} tickets were stored")
    result: dict[str, Any] = {"tickets": count, **{f"list_{k}": v for k, v in lists["all"].items()}}
    result["load_average"] = [round(n, 2) for n in os.getloadavg()]
    if figures:
        result["tickets_per_s"] = round(statistics.median(f[0] for f in figures), 1)
        result["cpu_ms_per_ticket"] = round(statistics.median(f[1] for f in figures), 2)
        # The load generator's own CPU, which takes the same two cores from the workers.
        result["client_cpu_ms_per_ticket"] = round(statistics.median(f[2] for f in figures), 3)
        result["connections"] = connections
        result["tickets_stored"] = stored
    result["list_by_filter"] = {
        name: {page: v["p95_ms"] for page, v in pages.items()} for name, pages in lists.items()
    }
    result["list_by_filter_cpu_ms"] = {
        name: {page: v["cpu_ms"] for page, v in pages.items()} for name, pages in lists.items()
    }
    return result


def webhook_deliveries_per_second() -> float | None:
    """From the webhooks benchmark, when it is there."""
    if importlib.util.find_spec("bench.webhooks") is None:
        return None
    module = importlib.import_module("bench.webhooks")
    return round(float(module.deliveries_per_second()), 1)


def _list_figures(results: list[dict[str, Any]], figure: str) -> dict[str, dict[str, float]]:
    """One figure of the unfiltered list's two pages, by size."""
    return {
        str(r["tickets"]): {k: v[figure] for k, v in r.items() if isinstance(v, dict) and figure in v}
        for r in results
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", default="10000,100000", help="comma-separated sizes")
    parser.add_argument("--requests", type=int, default=600, help="tickets opened per round")
    parser.add_argument("--connections", type=int, default=6, help="posts in flight at once")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=200, help="list requests per page measured")
    parser.add_argument("--keep", help="directory to keep each size's seeded file in and reuse it")
    parser.add_argument("--list-only", action="store_true", help="time the ticket list alone")
    args = parser.parse_args()
    results = []
    for count in (int(n) for n in args.tickets.split(",")):
        results.append(
            measure(
                count, args.requests, args.rounds, args.samples, args.keep, args.list_only, args.connections
            )
        )
        print(json.dumps(results[-1]), flush=True)
    largest = results[-1]
    print(
        json.dumps(
            {
                "workers": 2,
                "database": "sqlite",
                "tickets_per_s": largest.get("tickets_per_s"),
                "list_p95_ms": _list_figures(results, "p95_ms"),
                # The workers' CPU per list request: what a loaded machine does not inflate.
                "list_cpu_ms": _list_figures(results, "cpu_ms"),
                "load_average": [round(n, 2) for n in os.getloadavg()],
                "webhook_deliveries_per_s": None if args.list_only else webhook_deliveries_per_second(),
                "sizes": results,
            }
        )
    )


if __name__ == "__main__":
    main()
