"""gunicorn settings for `make serve` and the systemd unit: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be set from the environment; the defaults suit a small two-core host behind a
reverse proxy on the same machine."""

from __future__ import annotations

import os


def _number(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


bind = os.environ.get("TIERDESK_BIND", "127.0.0.1:8000")
workers = _number("WEB_WORKERS", 2 * (os.cpu_count() or 1) + 1)
threads = _number("WEB_THREADS", 1)
# More than one thread means the threaded worker; one thread is the plain sync worker.
worker_class = "gthread" if threads > 1 else "sync"
# A request that takes longer than this is killed with its worker; a SQLite writer waits at most
# its busy timeout (10 s), so this leaves room for the longest page.
timeout = _number("WEB_TIMEOUT", 60)
# On SIGTERM (systemctl stop, make serve's Ctrl-C) requests in flight get this long to finish.
graceful_timeout = _number("WEB_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# The heartbeat's file (a change of its times tells the master a worker is alive) in memory, not
# on a disk whose journal can hold a worker up, as gunicorn's documentation advises.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The control socket under ~/.gunicorn/ is not used, and two instances would fight over it.
control_socket_disable = True
# One line per request on stdout ("-"), or in a file; an empty WEB_ACCESS_LOG writes none (a
# reverse proxy that logs every request already has them).
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
# The client's address as the proxy saw it, the peer's, the request line, status, bytes sent, the
# time taken and the browser; app/access_log.py writes this format's line without gunicorn's
# dictionary of every header of the request (same line, a fraction of the CPU).
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
logger_class = "app.access_log.AccessLogger"
proc_name = "tierdesk"
# The app is built once in the master and the workers are forked from it: the code and data it
# loaded are shared pages until a worker writes to them (each worker's RSS still counts them in
# full; its PSS counts its share). WEB_PRELOAD=0 builds the app in each worker instead.
preload_app = os.environ.get("WEB_PRELOAD", "1") not in ("0", "false", "no")
# Each worker's SQLite page cache, in MB (commands and the scheduler keep SQLITE_CACHE_MB, 32):
# a request reads a few pages of a few indexes, and the file cache of the operating system,
# which every worker shares, keeps the rest. SQLite's own default, 2 MB. A cache never shrinks,
# and a larger one fills with pages read once: every so often an opening's insert into the ticket
# search index (FTS5) merges its segments, reading and writing megabytes in that one request
# (5 MB at 100,000 tickets), and they stayed in the worker that served it.
web_sqlite_cache_mb = float(os.environ.get("WEB_SQLITE_CACHE_MB", "2"))


def on_starting(server: object) -> None:
    """Refuse to start, in one line, on bad production settings or a database that cannot be
    opened, before any worker is forked."""
    import sys

    from app.startup import check_database

    # With preloading the master holds the app already; a second one would stay in its memory
    # and in every worker forked from it.
    preloaded = sys.modules.get("wsgi")
    if preloaded is not None:
        check_database(preloaded.app)
    else:
        from app import create_app

        check_database(create_app())
    # Workers ask a child process for holiday dates rather than loading every country's rules.
    from app.domain.public_holidays import holidays_from_child_process

    holidays_from_child_process()
    from app.worker_memory import drop_docstrings, return_large_blocks

    return_large_blocks()
    if preloaded is not None:
        drop_docstrings()


def pre_fork(server: object, worker: object) -> None:
    """Each worker starts with the preloaded app frozen out of the garbage collector."""
    from app.worker_memory import freeze_preloaded

    freeze_preloaded()


def post_fork(server: object, worker: object) -> None:
    """A worker never uses a database connection the master opened: the preloaded app's pool
    is emptied (left for the master to close) and the worker opens its own, with the web
    worker's SQLite page cache."""
    import wsgi
    from app.database import use_page_cache
    from app.extensions import db

    use_page_cache(wsgi.app, web_sqlite_cache_mb)
    with wsgi.app.app_context():
        db.engine.dispose(close=False)
    if _memory_trace is not None:
        _memory_trace.start()


# WEB_MEMORY_TRACE=DIR: each worker writes down what it holds along a run (app/memory_trace.py).
# Unset, the hook below is not defined and a request pays nothing for it.
_memory_trace = None
if os.environ.get("WEB_MEMORY_TRACE"):
    from app.memory_trace import from_environment

    _memory_trace = from_environment()

    def post_request(worker: object, req: object, environ: object, resp: object) -> None:
        if _memory_trace is not None:
            _memory_trace.after_request()
