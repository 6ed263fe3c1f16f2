"""The processes a load run drives: gunicorn, the scheduler, and optionally a throwaway PostgreSQL.

Each starts in its own process group so a run stops exactly what it started, whatever happens."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCRIPTS = ROOT / "scripts"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Process:
    """A started command with its log file; stopped by its own process group."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> Process:
        out = self.log.open("ab")
        self.popen = subprocess.Popen(
            self.argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def kill_hard(self) -> None:
        """kill -9 the process itself (the fault a crash or the OOM killer gives)."""
        os.kill(self.pid, signal.SIGKILL)
        assert self.popen is not None
        self.popen.wait()

    def stop(self, grace: float = 20.0) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.popen.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait()


def flask(env: dict[str, str], *args: str, log: Path, check: bool = True) -> str:
    """Run one `flask --app wsgi …` command to its end; returns what it printed on stdout."""
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    with log.open("a") as out:
        out.write(f"$ flask {' '.join(args)} -> {result.returncode}\n{result.stdout}{result.stderr}\n")
    if check and result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed: {result.stderr.strip()[-500:]}")
    return result.stdout


def gunicorn(env: dict[str, str], log: Path) -> Process:
    argv = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]
    return Process("gunicorn", argv, env, log).start()


def scheduler(env: dict[str, str], log: Path) -> Process:
    argv = [str(BIN / "flask"), "--app", "wsgi", "scheduler", "run"]
    return Process("scheduler", argv, env, log).start()


def wait_until_serving(url: str, process: Process, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.popen is not None
        if process.popen.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.popen.returncode}; see {process.log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f} s")


def worker_pids(master: Process) -> list[int]:
    """The gunicorn workers: the master's children."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


@dataclass
class Postgres:
    """A throwaway cluster from scripts/postgres.sh, restartable mid-run."""

    directory: str
    url: str

    @classmethod
    def start(cls) -> Postgres:
        output = subprocess.run(
            [str(SCRIPTS / "postgres.sh"), "start"], check=True, capture_output=True, text=True
        ).stdout.splitlines()
        directory = next(line.removeprefix("PGDIR=") for line in output if line.startswith("PGDIR="))
        return cls(directory, output[-1])

    def _pg_ctl(self, *args: str) -> None:
        initdb = shutil.which("initdb") or sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]
        command = [str(Path(initdb).resolve().parent / "pg_ctl"), "-D", f"{self.directory}/data", *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def restart(self) -> None:
        """Stop (every connection dropped, sessions ended by the server) and start again. A fast
        stop: the throwaway cluster runs with synchronous_commit off, so an immediate one would
        lose commits the server had already confirmed, which no application could keep."""
        self._pg_ctl("-m", "fast", "-w", "-t", "30", "-l", f"{self.directory}/server.log", "restart")

    def stop(self) -> None:
        subprocess.run([str(SCRIPTS / "postgres.sh"), "stop", self.directory], check=False)
