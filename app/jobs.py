"""Scheduled jobs: a table of what runs how often, and the one scheduler that runs them.

The scheduler is never started inside create_app (every web worker would run every job). It runs
in its own process, `flask --app wsgi scheduler run`, and each tick first takes or renews a
database lease, so a second scheduler started by mistake stays idle until the first one stops.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from app.database import writing
from app.models.types import utcnow

log = logging.getLogger(__name__)
LEASE_NAME = "scheduler"


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    seconds_setting: str
    run: Callable[[], object]


def _sweep_sla() -> object:
    from app.services.sweep.sweep import sweep_sla

    return sweep_sla().as_dict()


def _adopt_waiting() -> object:
    from flask import current_app

    from app.services.sla.adoption_job import adopt_pending

    return adopt_pending(current_app.config["SLA_ADOPTION_BATCH"]).as_dict()


def _refresh_risk() -> object:
    from app.services.relationship.risk_refresh import refresh_due_risk

    return {"ranked": refresh_due_risk(utcnow())}


def _assign_waiting() -> object:
    from app.services.routing.assignment import assign_waiting

    return {"assigned": assign_waiting(utcnow())}


def _notify_overdue_vendors() -> object:
    from app.services.tickets.vendor_overdue import notify_overdue_vendors

    return {"told": notify_overdue_vendors(utcnow())}


def _refresh_statistics() -> object:
    from app.services.common.statistics import refresh_statistics

    return {"statistics": refresh_statistics()}


def _fold_reports() -> object:
    from app.services.reports.rollup import fold_new_history

    return fold_new_history(utcnow()).as_dict()


def _deliver_mail() -> object:
    from app.services.mail.delivery import deliver_outbox

    return deliver_outbox().as_dict()


def _deliver_webhooks() -> object:
    from app.services.webhooks.delivery import deliver_webhooks

    return deliver_webhooks().as_dict()


def _mail_reminders() -> object:
    from app.services.mail.reminders import queue_reminders

    return queue_reminders(utcnow())


def _poll_mailbox() -> object:
    from app.services.inbound_mail.imap import poll_mailbox

    return poll_mailbox()


JOBS = [
    Job("sla-sweep", "SLA_SWEEP_SECONDS", _sweep_sla),
    Job("sla-adoption", "SLA_ADOPTION_SECONDS", _adopt_waiting),
    Job("risk-refresh", "RISK_REFRESH_SECONDS", _refresh_risk),
    Job("assign-waiting", "ASSIGN_WAITING_SECONDS", _assign_waiting),
    Job("vendor-overdue", "VENDOR_OVERDUE_SECONDS", _notify_overdue_vendors),
    Job("statistics", "STATISTICS_SECONDS", _refresh_statistics),
    Job("reports-fold", "REPORTS_FOLD_SECONDS", _fold_reports),
    Job("mail-delivery", "MAIL_DELIVERY_SECONDS", _deliver_mail),
    Job("webhook-delivery", "WEBHOOK_DELIVERY_SECONDS", _deliver_webhooks),
    Job("mail-reminders", "MAIL_REMINDER_SECONDS", _mail_reminders),
    Job("mail-imap", "MAIL_IMAP_SECONDS", _poll_mailbox),
]


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_job_if_leader(app: Flask, job: Job, holder: str) -> object | None:
    """Run one job in an app context when this process holds the lease; None otherwise."""
    from app.services.common.lease import hold_lease

    with app.app_context():
        ttl = timedelta(seconds=app.config["SCHEDULER_LEASE_SECONDS"])
        # The lease reads its row and then writes it: on SQLite it must hold the write lock
        # from the start, or a job that read before another's insert committed is refused.
        with writing():
            leader = hold_lease(LEASE_NAME, holder, utcnow(), ttl)
        if not leader:
            log.info("another scheduler holds the lease; %s skipped", job.id)
            return None
        with writing():  # every job reads what it then writes
            result = job.run()
        log.info("%s: %s", job.id, result)
        return result


def build_scheduler(app: Flask, holder: str) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC")
    for job in JOBS:
        scheduler.add_job(
            run_job_if_leader,
            "interval",
            seconds=app.config[job.seconds_setting],
            args=(app, job, holder),
            id=job.id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            next_run_time=utcnow(),
        )
    return scheduler
