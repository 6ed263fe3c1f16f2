"""`python -m bench.load`: the app under gunicorn on 127.0.0.1 (SQLite by default), a bounded mixed
workload through the real forms with the scheduler and extra sweeps running, optional faults,
then a check of the database. The last line printed is one JSON object."""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from bench.load import servers
from bench.load.client import Log, Session
from bench.load.people import PASSWORD, make_people
from bench.load.verify import check_writes, double_bumps, sla_raises
from bench.load.workload import agent, customer

SWEEP_AHEAD = timedelta(days=7)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="people at once (60 %% customers)")
    parser.add_argument("--duration", type=float, default=40.0, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (>1: gthread)")
    parser.add_argument("--database-url", help="a PostgreSQL database to run on (migrated and seeded)")
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL for the run")
    parser.add_argument("--sweep-every", type=float, default=10.0, help="seconds between extra CLI sweeps")
    parser.add_argument("--kill-worker", action="store_true", help="kill -9 a gunicorn worker a third in")
    parser.add_argument("--kill-scheduler", action="store_true", help="kill -9 the scheduler half way")
    parser.add_argument("--restart-postgres", action="store_true", help="restart PostgreSQL two thirds in")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--logs", type=Path, help="copy the server, scheduler and sweep logs here")
    args = parser.parse_args()
    if args.restart_postgres and not args.postgres:
        parser.error("--restart-postgres needs --postgres (a cluster this run started)")
    return args


def environment(url: str, port: int, scratch: Path, args: argparse.Namespace) -> dict[str, str]:
    env = {
        **os.environ,
        "TIERDESK_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": url,
        "ATTACHMENTS_DIR": str(scratch / "attachments"),
        "TIERDESK_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": str(args.workers),
        "WEB_THREADS": str(args.threads),
        "WEB_ACCESS_LOG": str(scratch / "access.log"),
        # The scheduler works at a load test's pace; a killed one's lease runs out quickly.
        "SLA_SWEEP_SECONDS": "5",
        "RISK_REFRESH_SECONDS": "10",
        "ASSIGN_WAITING_SECONDS": "10",
        "SCHEDULER_LEASE_SECONDS": "10",
    }
    env.pop("TEST_DATABASE_URL", None)
    return env


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 1)

    return {"n": len(ordered), "p50": at(0.50), "p95": at(0.95), "p99": at(0.99)}


class Sweeps:
    """Extra `flask sla sweep --now <a week ahead>` runs beside the scheduler's own."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.runs: list[dict[str, int]] = []
        self.failed = 0

    def run_once(self) -> None:
        from app.models.types import utcnow

        ahead = (utcnow() + SWEEP_AHEAD).isoformat()
        try:
            printed = servers.flask(self.env, "sla", "sweep", "--now", ahead, log=self.log, check=False)
            self.runs.append(json.loads(printed.strip().splitlines()[-1]))
        except (ValueError, IndexError, RuntimeError):
            self.failed += 1

    def summary(self) -> dict[str, int]:
        total = {"runs": len(self.runs), "failed": self.failed}
        for key in ("checked", "breached", "raised", "skipped"):
            total[key] = sum(run.get(key, 0) for run in self.runs)
        return total


def main() -> None:
    args = parse()
    rng = random.Random(args.seed)
    faults: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tierdesk-load-") as scratch_dir:
        scratch = Path(scratch_dir)
        postgres = servers.Postgres.start() if args.postgres else None
        web = scheduler = None
        try:
            url = (postgres.url if postgres else args.database_url) or f"sqlite:///{scratch}/load.db"
            port = servers.free_port()
            env = environment(url, port, scratch, args)
            setup_log = scratch / "setup.log"
            servers.flask(env, "db", "upgrade", log=setup_log)
            servers.flask(env, "seed-demo", "--if-empty", log=setup_log)

            from app import create_app
            from config import Config

            app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=env["SECRET_KEY"])
            customers = max(1, round(args.clients * 0.6))
            people = make_people(app, customers, max(1, args.clients - customers), secrets.token_hex(4))
            raised_before = sla_raises(app)

            web = servers.gunicorn(env, scratch / "gunicorn.log")
            servers.wait_until_serving(f"http://127.0.0.1:{port}/kb/", web)
            scheduler = servers.scheduler(env, scratch / "scheduler.log")
            log, stop = Log(), threading.Event()

            def person(index: int) -> None:
                who = people[index]
                session = Session(port, log)
                time.sleep(index * 0.05)  # sign-ins spread over the first seconds
                if not session.login(who.email, PASSWORD):
                    return
                own = random.Random(args.seed * 1000 + index)
                if who.tier is None:
                    customer(session, log, stop, own)
                else:
                    agent(session, log, stop, own, who.tier)

            threads = [threading.Thread(target=person, args=(i,), daemon=True) for i in range(len(people))]
            sweeps = Sweeps(env, scratch / "sweeps.log")
            started = time.monotonic()
            for thread in threads:
                thread.start()
            plan = []
            if args.kill_worker:
                plan.append((args.duration / 3, "kill-worker"))
            if args.kill_scheduler:
                plan.append((args.duration / 2, "kill-scheduler"))
            if args.restart_postgres:
                plan.append((args.duration * 2 / 3, "restart-postgres"))
            next_sweep = started + args.sweep_every / 2
            while (elapsed := time.monotonic() - started) < args.duration:
                if plan and elapsed >= plan[0][0]:
                    _, fault = plan.pop(0)
                    if fault == "kill-worker":
                        pids = servers.worker_pids(web)
                        if pids:
                            os.kill(rng.choice(pids), 9)
                    elif fault == "kill-scheduler":
                        scheduler.kill_hard()
                        scheduler = servers.scheduler(env, scratch / "scheduler.log")
                    elif postgres is not None:
                        postgres.restart()
                    faults.append(f"{fault} at {elapsed:.0f} s")
                if time.monotonic() >= next_sweep:
                    sweeps.run_once()
                    next_sweep = time.monotonic() + args.sweep_every
                time.sleep(0.2)
            stop.set()
            for thread in threads:
                thread.join(120)
            seconds = time.monotonic() - started
            scheduler.stop()
            web.stop()

            writes = check_writes(app, log)
            server_log = (scratch / "gunicorn.log").read_text(errors="replace").splitlines()
            failures = [line for line in server_log if "storage failure" in line or "Traceback" in line]
            statuses = dict(sorted(log.statuses.items()))
            report = {
                "database": "postgresql" if url.startswith("postgresql") else "sqlite",
                "worker_class": "gthread" if args.threads > 1 else "sync",
                "workers": args.workers,
                "threads": args.threads,
                "clients": len(people),
                "seconds": round(seconds, 1),
                "requests": sum(statuses.values()),
                "statuses": statuses,
                "refusals": log.refusals,
                "errors_5xx": sum(n for status, n in statuses.items() if status.startswith("5")),
                "no_answer": statuses.get("0", 0),
                **writes,
                "sla_raised_during_load": sla_raises(app) - raised_before,
                "double_bumps": double_bumps(app),
                "sweeps": sweeps.summary(),
                "faults": faults,
                "server_log_problems": failures[:5],
                "ms": {action: percentiles(times) for action, times in sorted(log.timings.items())},
            }
            with app.app_context():
                from app.extensions import db

                db.engine.dispose()
        finally:
            for process in (scheduler, web):
                if process is not None:
                    process.stop()
            if postgres is not None:
                postgres.stop()
            if args.logs:
                args.logs.mkdir(parents=True, exist_ok=True)
                for kept in scratch.glob("*.log"):
                    shutil.copy(kept, args.logs / kept.name)
    print(json.dumps(report))
    failed = report["lost"] or report["duplicated"] or report["errors_5xx"] or report["double_bumps"]
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
