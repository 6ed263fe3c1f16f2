"""The app as users get it: `flask db upgrade`, `flask seed-demo` and `flask run` in their own
processes, on a fresh database of its own (a SQLite file, or a new PostgreSQL database beside the
one TEST_DATABASE_URL names), served on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.ports import PortTaken, free_port, on_a_free_port, says_port_taken

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 120  # a loaded machine can take this long to import the app


def fresh_database_url(workdir: Path) -> str:
    """A SQLite file in workdir, or an empty PostgreSQL database next to TEST_DATABASE_URL's.

    The suite's own database is emptied after every test, so the server cannot share it."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{workdir / 'browser.db'}"
    url = make_url(base)
    name = f"{url.database}_browser"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@dataclass
class LiveServer:
    """A running `flask run` and the environment its CLI commands need."""

    database_url: str
    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
        env.update(
            DATABASE_URL=self.database_url,
            TIERDESK_ENV="development",
            SECRET_KEY="browser-journeys",
            ATTACHMENTS_DIR=str(self.workdir / "files"),
            # Links in mail point at this server, as BASE_URL does in a real deployment.
            BASE_URL=self.url,
            MAIL_CATCHALL_DIR=str(self.workdir / "mail"),
            PYTHONUNBUFFERED="1",
            # Every journey signs in and opens requests from 127.0.0.1: the per-address throttles
            # (tested on their own in tests/integration) would otherwise refuse the later ones.
            SIGN_IN_LIMIT="10000 per minute",
            NEW_REQUEST_LIMIT="10000 per minute",
        )
        return env

    def flask(self, *args: str, timeout: float = 120) -> str:
        """Run `flask --app wsgi ARGS` against the server's database; returns what it printed."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self) -> None:
        self.flask("db", "upgrade")
        self.flask("seed-demo", timeout=600)  # minutes on a loaded machine
        on_a_free_port(self._serve_on)

    def _serve_on(self, port: int) -> None:
        self.port = port  # BASE_URL follows it
        with (self.workdir / "server.log").open("w") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "flask",
                    "--app",
                    "wsgi",
                    "--no-debug",
                    "run",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--no-reload",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_serving()

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if says_port_taken(self.log_tail()):
                    raise PortTaken(self.log_tail())
                raise AssertionError(f"The server exited early:\n{self.log_tail()}")
            if self._answers():
                return
            time.sleep(0.1)  # polling a process that is starting, not waiting in a journey
        raise AssertionError(f"The server did not answer within {START_TIMEOUT_SECONDS}s:\n{self.log_tail()}")

    def _answers(self) -> bool:
        """Whether the server answers a page yet (connection refused while it is starting)."""
        try:
            with urllib.request.urlopen(f"{self.url}/kb/", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def log_tail(self, lines: int = 40) -> str:
        path = self.workdir / "server.log"
        return "\n".join(path.read_text().splitlines()[-lines:]) if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
