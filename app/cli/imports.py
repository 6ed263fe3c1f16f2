"""`flask --app wsgi import customers FILE.csv [--dry-run]`."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

import_cli = AppGroup("import", help="Import data.")


@import_cli.command("customers")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
def customers_command(path: str, dry_run: bool) -> None:
    """Organizations and contacts from a CSV file (all rows or none)."""
    from app.services.relationship.contact_import import import_contacts_as_system

    with open(path, "rb") as handle:
        report = import_contacts_as_system(handle.read(), dry_run=dry_run)
    if report.errors:
        click.echo(f"Nothing was imported; {len(report.errors)} problem(s):", err=True)
        for error in report.errors:
            click.echo(f"  {error}", err=True)
        sys.exit(1)
    click.echo(("Dry run, nothing written: " if dry_run else "Imported: ") + report.summary + ".")


def register(app: Flask) -> None:
    app.cli.add_command(import_cli)
