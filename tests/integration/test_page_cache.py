"""Each SQLite connection's page cache is sized per kind of process: SQLITE_CACHE_MB for commands
and the scheduler, and gunicorn.conf.py's smaller WEB_SQLITE_CACHE_MB for every connection a web
worker opens after the fork."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from app import create_app
from app.database import page_cache_kib, use_page_cache
from app.extensions import db
from config import TestConfig

ROOT = Path(__file__).resolve().parents[2]


def _cache_size(app) -> int:
    with app.app_context():
        db.engine.dispose()
        with db.engine.connect() as connection:
            size = connection.execute(text("PRAGMA cache_size")).scalar_one()
        db.engine.dispose()
        return size


def test_connections_get_the_configured_cache_and_a_worker_can_set_a_smaller_one(tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'c.db'}", SQLITE_CACHE_MB=4)
    assert _cache_size(app) == -4096
    use_page_cache(app, 1.5)
    assert page_cache_kib(app) == 1536
    assert _cache_size(app) == -1536


WORKER = """
import runpy
settings = runpy.run_path("gunicorn.conf.py")
import wsgi
from sqlalchemy import text
from app.extensions import db
with wsgi.app.app_context():
    before = db.session.execute(text("PRAGMA cache_size")).scalar_one()  # the master's connection
    db.session.remove()
settings["post_fork"](None, None)
with wsgi.app.app_context():
    print(before, db.session.execute(text("PRAGMA cache_size")).scalar_one())
"""


def _worker_cache_sizes(tmp_path, web_cache_mb: str | None) -> list[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
        "TIERDESK_ENV": "development",
        "SQLITE_CACHE_MB": "20",
    }
    env.pop("WEB_SQLITE_CACHE_MB", None)
    if web_cache_mb is not None:
        env["WEB_SQLITE_CACHE_MB"] = web_cache_mb
    done = subprocess.run(
        [sys.executable, "-c", WORKER], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_web_worker_opens_its_connections_with_the_web_cache(tmp_path):
    assert _worker_cache_sizes(tmp_path, "3") == ["-20480", "-3072"]


def test_a_web_worker_keeps_sqlites_default_cache_unless_told_otherwise(tmp_path):
    # A larger cache fills with the pages of the search index's occasional merges and keeps them.
    assert _worker_cache_sizes(tmp_path, None) == ["-20480", "-2048"]
