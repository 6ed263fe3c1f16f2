"""`flask --app wsgi sla sweep` and `flask --app wsgi scheduler run`."""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)

sla_cli = AppGroup("sla", help="Service levels.")
scheduler_cli = AppGroup("scheduler", help="The job scheduler (run exactly one per deployment).")


def _instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not an ISO time such as 2026-03-02T10:00:00Z.") from None
    if instant.tzinfo is None:
        raise click.BadParameter("Give the time with its offset, e.g. 2026-03-02T10:00:00+00:00.")
    try:
        instant = instant.astimezone(UTC)
    except OverflowError:
        instant = datetime.max.replace(tzinfo=UTC)
    # Deadlines are counted forward from the sweep's time, so it keeps well clear of year 9999.
    if not EARLIEST <= instant < LATEST:
        raise click.BadParameter(f"Give a time between the years {EARLIEST.year} and {LATEST.year - 1}.")
    return instant


@sla_cli.command("sweep")
@click.option("--now", "now_text", help="Sweep as if it were this ISO time (with offset).")
def sweep_command(now_text: str | None) -> None:
    """Warn and breach what is due and raise stale tickets; prints a JSON summary."""
    from app.services.sweep.sweep import sweep_sla

    summary = sweep_sla(_instant(now_text))
    click.echo(json.dumps(summary.as_dict()))
    if summary.checked and summary.skipped == summary.checked:
        click.echo(
            f"Every one of the {summary.checked} due tickets was skipped (see the log for why); "
            "nothing was raised.",
            err=True,
        )
        raise SystemExit(1)


@scheduler_cli.command("run")
def run_command() -> None:
    """Run the scheduled jobs until stopped; a second scheduler waits for the lease."""
    from app.jobs import build_scheduler, holder_name
    from app.startup import check_database

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    holder = holder_name()
    click.echo(f"Scheduler {holder} starting; jobs run only while it holds the lease.")
    # The real app behind the proxy (Flask types current_app as the app itself).
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        check_database(app)
    except RuntimeError as refused:
        raise click.ClickException(str(refused)) from None
    scheduler = build_scheduler(app, holder)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()


def register(app: Flask) -> None:
    app.cli.add_command(sla_cli)
    app.cli.add_command(scheduler_cli)
