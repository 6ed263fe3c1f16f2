"""`flask --app wsgi mail …`: deliver the outbox, queue reminders, receive mail (an SMTP/LMTP
endpoint, one mail from stdin, IMAP polling)."""

from __future__ import annotations

import json
import logging
import sys

import click
from flask import Flask, current_app
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


@mail_cli.command("serve")
@click.option("--host", help="Address to listen on (MAIL_INBOUND_HOST).")
@click.option("--port", type=int, help="Port to listen on (MAIL_INBOUND_PORT).")
@click.option("--lmtp", is_flag=True, help="Speak LMTP instead of SMTP.")
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    help="Endpoint processes sharing the port (MAIL_SERVE_PROCESSES; default: one per CPU, one on SQLite).",
)
def serve_command(host: str | None, port: int | None, lmtp: bool, processes: int | None) -> None:
    """Receive mail until stopped: every mail becomes a ticket, a reply or a kept failed mail."""
    from app.extensions import db
    from app.services.inbound_mail.processes import default_processes, listening_socket, serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's line for every command
    config = current_app.config
    host = host or config["MAIL_INBOUND_HOST"]
    port = port or config["MAIL_INBOUND_PORT"]
    processes = (
        processes or _configured_processes(config.get("MAIL_SERVE_PROCESSES")) or default_processes(db.engine)
    )
    try:
        sock = listening_socket(host, port)
    except OSError as error:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {error.strerror or error}.") from error
    # The real app behind the proxy (Flask types current_app as the app itself).
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    protocol = "LMTP" if lmtp else "SMTP"
    click.echo(f"Receiving mail by {protocol} on {host}:{port} in {processes} process(es).")
    with sock:
        serve(app, sock, processes=processes, lmtp=lmtp)
    click.echo("Stopped receiving mail.")


def _configured_processes(value: object) -> int | None:
    """MAIL_SERVE_PROCESSES as a count; empty or 0 means the default (`default_processes`)."""
    if value in (None, "", 0, "0"):
        return None
    try:
        count = int(str(value))
    except ValueError:
        count = 0
    if count < 1:
        raise click.ClickException(
            f"MAIL_SERVE_PROCESSES must be a whole number of at least 1, not {value!r}."
        )
    return count


@mail_cli.command("receive")
def receive_command() -> None:
    """Process one mail read from standard input (for an MTA's pipe delivery)."""
    from app.services.inbound_mail.inbound import receive_mail

    kept = receive_mail(sys.stdin.buffer.read(), source="pipe")
    click.echo(
        json.dumps({"id": kept.id, "status": kept.status, "ticket_id": kept.ticket_id, "reason": kept.reason})
    )


@mail_cli.command("poll")
def poll_command() -> None:
    """Take in the unseen mail of the MAIL_IMAP_URL mailbox once."""
    from app.services.inbound_mail.imap import poll_mailbox

    click.echo(json.dumps(poll_mailbox()))


def register(app: Flask) -> None:
    app.cli.add_command(mail_cli)
