"""What the web request around `open_ticket` costs in-process, in production settings.

    python -m bench.web_cost --db FILE [--requests 2000] [--profile 40 [--dump FILE]]
                             [--web-only] [--instructions N] [--freeze]

Works on a copy of a database seeded by `python -m bench.create --data-dir DIR` (FILE is one of
its `create-<size>.db`). Builds the app as gunicorn's workers have it (`TIERDESK_ENV=production`),
signs a customer in, and then calls the WSGI app directly, with the request's environ built
once, for the two requests bench.create's clients make: the new-request form (GET /portal/new)
and its post (POST /portal/new with the session cookie and CSRF token, answered with a
redirect). Prints the CPU milliseconds per request (time.process_time, median of five slices),
for the post also the part spent in `open_ticket` and the rest (the web request around it), and
with `--profile N` the N costliest functions of the post by own time (cProfile; `--dump FILE`
keeps it for pstats). With `--instructions N`, N posts (around the stand-in with `--web-only`)
between two `callgrind_control` toggles, for a run under
`valgrind --tool=callgrind --instr-atstart=no` (instruction counts do not depend on the load).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
import types
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

PASSWORD = "bench-password-1"
CUSTOMER = "bench-c1@bench.test"
HOST = "desk.bench.test"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _Spent:
    """CPU seconds spent inside one wrapped function."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.process_time() - started

        return timed


def _environ(method: str, path: str, cookie: str, body: bytes = b"") -> dict[str, Any]:
    """A WSGI environ as gunicorn builds it for a browser's request over HTTPS behind a proxy."""
    return {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": HOST,
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "50000",
        "HTTP_HOST": HOST,
        "HTTP_COOKIE": cookie,
        "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) bench.web_cost",
        "HTTP_ACCEPT": "text/html,application/xhtml+xml",
        "HTTP_REFERER": f"https://{HOST}{path}",
        "CONTENT_TYPE": "application/x-www-form-urlencoded" if body else "",
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call_wsgi(app: Any, template: dict[str, Any], body: bytes) -> tuple[str, bytes]:
    """The status and body of one request handed straight to the WSGI app, its environ copied
    from `template` with `body` as its input."""
    environ = dict(template)
    environ["wsgi.input"] = io.BytesIO(body)
    answer: list[str] = []

    def start_response(status: str, headers: Iterable[tuple[str, str]], exc_info: object = None) -> None:
        answer.append(status)

    chunks = app(environ, start_response)
    try:
        data = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return answer[0], data


def _signed_in(app: Any) -> tuple[str, str]:
    """The session cookie of a signed-in customer and the CSRF token of their new-request form."""
    client = app.test_client()
    base = f"https://{HOST}"
    page = client.get("/auth/login", base_url=base).get_data(as_text=True)
    token = CSRF.search(page)
    assert token is not None, "no CSRF token on the sign-in page"
    answer = client.post(
        "/auth/login",
        base_url=base,
        headers={"Referer": f"{base}/auth/login"},
        data={"csrf_token": token.group(1), "email": CUSTOMER, "password": PASSWORD},
    )
    if answer.status_code != 302:
        raise SystemExit(f"sign-in gave {answer.status_code}")
    page = client.get("/portal/new", base_url=base).get_data(as_text=True)
    token = CSRF.search(page)
    assert token is not None, "no CSRF token on the new-request form"
    cookie = client.get_cookie("session", domain=HOST)
    assert cookie is not None
    return f"session={cookie.value}", token.group(1)


def _rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _slices(run: Callable[[int], None], each: int) -> list[float]:
    slices = []
    for _ in range(5):
        started = time.process_time()
        run(each)
        slices.append((time.process_time() - started) * 1000 / each)
    return slices


def _instructions(posts: Callable[[int], None], count: int, views: Any, web_only: bool) -> None:
    """`count` posts between two `callgrind_control` toggles (see the module's text)."""
    if web_only:
        ticket = types.SimpleNamespace(id=1, reference="TD-1")
        views.open_ticket = lambda *_args, **_kwargs: ticket
    posts(50)
    os.system(f"callgrind_control -i on {os.getpid()} >/dev/null")
    posts(count)
    os.system(f"callgrind_control -i off {os.getpid()} >/dev/null")


def _other_writer(path: str) -> Callable[[], None]:
    """A write committed through a connection of its own: the app's connection then finds the
    database changed at its next transaction, as when the other gunicorn worker wrote."""
    import sqlite3

    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA busy_timeout=10000")

    def write() -> None:
        connection.execute("UPDATE alembic_version SET version_num = version_num")

    return write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a create-<size>.db seeded by bench.create")
    parser.add_argument("--requests", type=int, default=2000, help="requests of each kind")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument(
        "--web-only",
        action="store_true",
        help="profile the posts with open_ticket answered by a stand-in (nothing is written)",
    )
    parser.add_argument("--modules", action="store_true", help="list the modules the requests load")
    parser.add_argument(
        "--other-writer",
        action="store_true",
        help="before each post, commit a write through another connection (as the other gunicorn "
        "worker does); its own CPU is measured apart and taken off",
    )
    parser.add_argument(
        "--freeze",
        action="store_true",
        help="keep the built app out of the garbage collector, as gunicorn's master does before forking",
    )
    parser.add_argument("--dump", help="write the profile to this file (for pstats)")
    parser.add_argument(
        "--instructions",
        type=int,
        default=0,
        help="posts to count under callgrind (around the stand-in with --web-only)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "create.db")
        shutil.copyfile(args.db, path)
        os.environ.update(
            {
                "DATABASE_URL": f"sqlite:///{path}",
                "TIERDESK_ENV": "production",
                "SECRET_KEY": "bench-web-cost-" + "k" * 32,
                "BASE_URL": f"https://{HOST}",
                "MAIL_CATCHALL_DIR": os.path.join(scratch, "mail"),
                "ATTACHMENTS_DIR": os.path.join(scratch, "attachments"),
                "NEW_REQUEST_LIMIT": "1000000 per hour",
            }
        )
        from bench.create import _current_hashes

        _current_hashes(path)
        import app.portal.views as portal_views
        from app import create_app

        app = create_app()
        if not args.modules:
            # As gunicorn's master does before forking (gunicorn.conf.py): holiday dates come from
            # a child process.
            from app.domain.public_holidays import holidays_from_child_process

            holidays_from_child_process()
        if args.freeze:
            # As gunicorn's master does before it forks (gunicorn.conf.py's pre_fork).
            from app.worker_memory import freeze_preloaded

            freeze_preloaded()
        spent = _Spent()
        portal_views.open_ticket = spent.wrap(portal_views.open_ticket)  # type: ignore[assignment]
        before = set(sys.modules)
        print(f"RSS after start: {_rss_mb():.1f} MB")
        cookie, token = _signed_in(app)
        print(f"RSS after sign-in: {_rss_mb():.1f} MB (peak {_rss_mb('VmHWM'):.1f})")
        get = _environ("GET", "/portal/new", cookie)
        count = 0

        def body() -> bytes:
            nonlocal count
            count += 1
            return urllib.parse.urlencode(
                {
                    "csrf_token": token,
                    "subject": f"Export fails on report {count}",
                    "description": "The monthly export stops half way with an error about the file size.",
                    "category": "technical",
                    "urgency": "normal",
                    "seen": "",
                }
            ).encode()

        post = _environ("POST", "/portal/new", cookie, body())

        def gets(n: int) -> None:
            for _ in range(n):
                status, _page = call_wsgi(app, get, b"")
                assert status.startswith("200"), status

        other = _other_writer(path) if args.other_writer else None

        def posts(n: int) -> None:
            for _ in range(n):
                if other is not None:
                    other()
                data = body()
                post["CONTENT_LENGTH"] = str(len(data))
                status, page = call_wsgi(app, post, data)
                assert status.startswith("302"), (status, page[:300])

        if args.instructions:
            _instructions(posts, args.instructions, portal_views, args.web_only)
            return
        gets(50)
        print(f"RSS after 50 forms: {_rss_mb():.1f} MB")
        posts(50)
        print(f"RSS after 50 posts: {_rss_mb():.1f} MB")
        if args.modules:
            print("modules loaded by the requests:", " ".join(sorted(set(sys.modules) - before)))
        each = max(1, args.requests // 5)
        get_ms = _slices(gets, each)
        spent.seconds = 0.0
        post_ms = _slices(posts, each)
        other_ms = 0.0
        if other is not None:
            other_ms = statistics.median(_slices(lambda n: [other() for _ in range(n)], each))
            print(f"the other connection's write alone: {other_ms:.3f} ms, taken off each post")
            post_ms = [ms - other_ms for ms in post_ms]
        print(f"RSS after all: {_rss_mb():.1f} MB (peak {_rss_mb('VmHWM'):.1f})")
        inside = spent.seconds * 1000 / (each * 5)
        post_median = statistics.median(post_ms)
        print(f"GET /portal/new: {statistics.median(get_ms):.3f} CPU ms per request")
        print(f"POST /portal/new: {post_median:.3f} CPU ms per request")
        print(f"  open_ticket: {inside:.3f} ms; the web request around it: {post_median - inside:.3f} ms")
        # The same posts with open_ticket answered by a stand-in (nothing written): the web
        # request alone, without the noise of the opening's own time.
        ticket = types.SimpleNamespace(id=1, reference="TD-1")
        real_opening = portal_views.open_ticket
        portal_views.open_ticket = lambda *_args, **_kwargs: ticket  # type: ignore[assignment]
        alone = [ms - other_ms for ms in _slices(posts, each)]
        spread = ", ".join(f"{s:.3f}" for s in alone)
        print(f"POST /portal/new around a stand-in open_ticket: {statistics.median(alone):.3f} ms ({spread})")
        if not args.web_only:
            portal_views.open_ticket = real_opening  # type: ignore[assignment]
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            posts(each)
            profiler.disable()
            stats = pstats.Stats(profiler)
            if args.dump:
                stats.dump_stats(args.dump)
            stats.sort_stats("tottime").print_stats(args.profile)
            stats.sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
