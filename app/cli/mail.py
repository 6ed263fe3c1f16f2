"""`flask --app wsgi mail …`: deliver the outbox, queue reminders."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup

from app.models.types import utcnow

mail_cli = AppGroup("mail", help="Mail in and out.")


@mail_cli.command("deliver")
def deliver_command() -> None:
    """Send every due message of the outbox now; prints a JSON summary."""
    from app.services.mail.delivery import deliver_outbox

    click.echo(json.dumps(deliver_outbox().as_dict()))


@mail_cli.command("remind")
def remind_command() -> None:
    """Queue the reminders and vendor notices that are due."""
    from app.services.mail.reminders import queue_reminders

    click.echo(json.dumps(queue_reminders(utcnow())))


def register(app: Flask) -> None:
    app.cli.add_command(mail_cli)
