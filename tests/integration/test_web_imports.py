"""The web app that gunicorn's master builds, and every worker inherits, leaves out the libraries
that only commands, the scheduler, the mail endpoint or a rare page use: each of them would add
its size to every worker whether or not a request ever needs it. They are imported where used.
A package named is left out with all its modules (importing any of them imports it too)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Top-level packages and the reason no web worker should start with them.
NOT_PRELOADED = {
    "alembic": "migrations: `flask db`, tests and benchmarks",
    "flask_migrate": "migrations",
    "mako": "Alembic's templates",
    "apscheduler": "the scheduler process",
    "aiosmtpd": "the inbound mail endpoint",
    "imaplib": "IMAP polling, in the scheduler",
    "holidays": "holiday dates come from a child process",
    "zxcvbn": "a new password's check",
    "segno": "two-step enrolment's QR code",
    "pyotp": "two-step codes",
    "email_validator": "sign-ups and account edits",
    "markdown_it": "a knowledge-base article being written",
    "nh3": "a knowledge-base article being written",
    "bench": "benchmarks",
    # On SQLite: models name their partial indexes' conditions without PostgreSQL's options,
    # and the PostgreSQL INSERT is imported where the database is PostgreSQL (2 MB of objects).
    "sqlalchemy.dialects.postgresql": "a PostgreSQL database",
}

MASTER = """
import json, runpy, sys
runpy.run_path("gunicorn.conf.py")  # the settings file, as gunicorn reads it
import wsgi  # preload_app: the app the workers are forked from
print(json.dumps(sorted(sys.modules)))
"""


def test_the_preloaded_web_app_leaves_out_what_requests_rarely_or_never_use(tmp_path):
    env = {
        **os.environ,
        "TIERDESK_ENV": "production",
        "SECRET_KEY": "k" * 40,
        "BASE_URL": "https://desk.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}",
    }
    env.pop("WEB_MEMORY_TRACE", None)
    done = subprocess.run(
        [sys.executable, "-c", MASTER], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "flask" in loaded and "app" in loaded  # the app was built
    assert {name: why for name, why in NOT_PRELOADED.items() if name in loaded} == {}
