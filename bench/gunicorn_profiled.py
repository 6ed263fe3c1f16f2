"""gunicorn.conf.py with a look inside each worker, for the benchmarks only.

    gunicorn -c python:bench.gunicorn_profiled wsgi:app

Every setting and hook of gunicorn.conf.py, and in each worker: the CPU time spent inside the
WSGI app (the call and the iteration of its answer) against the worker's whole CPU time, from
its first POST on (after the sign-ins and forms the benchmarks start with), written
at the worker's exit as one JSON line to `BENCH_WORKER_REPORT_DIR/<pid>.json`; with
`BENCH_WORKER_PROFILE=1` also a cProfile of the whole worker (gunicorn's own work included) in
`<pid>.prof` beside it, for pstats."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

_CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
# The settings and hooks as gunicorn reads them.
exec(compile(_CONF.read_text(), str(_CONF), "exec"))

_REPORT_DIR = os.environ.get("BENCH_WORKER_REPORT_DIR", "")
_PROFILE = os.environ.get("BENCH_WORKER_PROFILE") == "1"


class _Inside:
    """The WSGI app, with the CPU time spent in it counted."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seconds = 0.0
        self.requests = 0
        self.posting = False

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        global _started
        posting = environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] != "/auth/login"
        if posting and not self.posting:
            # From the first post on (after the sign-ins and forms): what the benchmark measures.
            self.posting = True
            self.seconds, self.requests, _started = 0.0, 0, os.times()
        started = time.process_time()
        try:
            chunks = list(self.app(environ, start_response))
        finally:
            self.seconds += time.process_time() - started
            self.requests += 1
        return chunks


_inside: _Inside | None = None
_profiler: Any = None


_started: Any = None


def post_worker_init(worker: Any) -> None:
    global _inside, _profiler, _started
    if not _REPORT_DIR:
        return
    _started = os.times()
    _inside = _Inside(worker.wsgi)
    worker.wsgi = _inside
    if _PROFILE:
        import cProfile

        _profiler = cProfile.Profile()
        _profiler.enable()


def worker_exit(server: Any, worker: Any) -> None:
    if _inside is None:
        return
    if _profiler is not None:
        _profiler.disable()
        _profiler.dump_stats(os.path.join(_REPORT_DIR, f"{os.getpid()}.prof"))
    times = os.times()
    user, system = times.user - _started.user, times.system - _started.system
    report = {
        "pid": os.getpid(),
        "requests": _inside.requests,
        "cpu_s": user + system,
        "user_s": user,
        "system_s": system,
        "inside_app_s": _inside.seconds,
    }
    Path(_REPORT_DIR, f"{os.getpid()}.json").write_text(json.dumps(report) + "\n")
