"""The scheduler runs its jobs only while it holds the database lease."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import delete, update

from app.extensions import db
from app.jobs import JOBS, LEASE_NAME, Job, build_scheduler, run_job_if_leader
from app.models import SchedulerLease
from app.models.types import utcnow


def test_a_second_scheduler_idles_until_the_first_ones_lease_expires(app):
    runs: list[str] = []
    job = Job("probe", "SLA_SWEEP_SECONDS", lambda: runs.append("ran") or "done")
    assert run_job_if_leader(app, job, "first") == "done"
    assert run_job_if_leader(app, job, "second") is None
    assert run_job_if_leader(app, job, "first") == "done"
    db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == LEASE_NAME)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    assert run_job_if_leader(app, job, "second") == "done"
    assert run_job_if_leader(app, job, "first") is None
    assert runs == ["ran", "ran", "ran"]


def test_the_sweep_job_runs_through_the_lease(app):
    sweep = next(job for job in JOBS if job.id == "sla-sweep")
    result = run_job_if_leader(app, sweep, "only")
    assert result == {"checked": 0, "warned": 0, "breached": 0, "raised": 0, "skipped": 0}


def test_the_scheduler_coalesces_and_runs_one_instance_at_a_time(app):
    scheduler = build_scheduler(app, "me")
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {job.id for job in JOBS}
    sweep = jobs["sla-sweep"]
    assert sweep.coalesce is True and sweep.max_instances == 1
    assert sweep.trigger.interval == timedelta(seconds=app.config["SLA_SWEEP_SECONDS"])


def test_a_fresh_schedulers_jobs_starting_together_all_run(app):
    """The first runs of every job start at once: the ones that lose the race to insert the
    lease row find it held by their own process, and run."""
    db.session.remove()
    runs: list[str] = []
    barrier = threading.Barrier(3)

    def first_run(name: str) -> None:
        job = Job(name, "SLA_SWEEP_SECONDS", lambda: runs.append(name))
        barrier.wait()
        run_job_if_leader(app, job, "fresh-process")

    # The race is short: run the fresh start several times over.
    for _ in range(8):
        db.session.execute(delete(SchedulerLease))
        db.session.commit()
        db.session.remove()
        runs.clear()
        threads = [threading.Thread(target=first_run, args=(name,)) for name in ("a", "b", "c")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(runs) == ["a", "b", "c"]
