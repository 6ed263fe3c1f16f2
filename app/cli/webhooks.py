"""`flask --app wsgi webhooks deliver`: post every due webhook event now, as the scheduler does."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup

webhooks_cli = AppGroup("webhooks", help="Webhook deliveries.")


@webhooks_cli.command("deliver")
def deliver_command() -> None:
    """Post every due webhook event now; prints a JSON summary."""
    from app.services.webhooks.delivery import deliver_webhooks

    click.echo(json.dumps(deliver_webhooks().as_dict()))


def register(app: Flask) -> None:
    app.cli.add_command(webhooks_cli)
