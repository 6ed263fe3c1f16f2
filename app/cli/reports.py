"""`flask --app wsgi reports rebuild` and `flask --app wsgi reports fold`."""

from __future__ import annotations

import json
import time

import click
from flask import Flask
from flask.cli import AppGroup

reports_cli = AppGroup("reports", help="Report roll-ups.")


@reports_cli.command("rebuild")
@click.option("--force", is_flag=True, help="Run even though a rebuild began less than two hours ago.")
def rebuild_command(force: bool) -> None:
    """Recount every daily roll-up from the history; prints a JSON summary."""
    from app.domain.errors import DomainError
    from app.services.reports.rollup import rebuild_rollups

    started = time.process_time(), time.perf_counter()
    try:
        summary = rebuild_rollups(force=force)
    except DomainError as refused:
        raise click.ClickException(str(refused)) from None
    figures = summary.as_dict() | {
        "cpu_seconds": round(time.process_time() - started[0], 2),
        "seconds": round(time.perf_counter() - started[1], 2),
    }
    click.echo(json.dumps(figures))


@reports_cli.command("fold")
def fold_command() -> None:
    """Fold the history written since the last fold (what the scheduler's job does)."""
    from app.services.reports.rollup import fold_new_history

    click.echo(json.dumps(fold_new_history().as_dict()))


def register(app: Flask) -> None:
    app.cli.add_command(reports_cli)
