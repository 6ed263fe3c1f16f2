"""`flask --app wsgi mail …`: deliver the outbox, queue reminders, receive mail (an SMTP/LMTP
endpoint, one mail from stdin, IMAP polling)."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import time

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
def serve_command(host: str | None, port: int | None, lmtp: bool) -> None:
    """Receive mail until stopped: every mail becomes a ticket, a reply or a kept failed mail."""
    from app.services.inbound_mail.endpoint import inbound_server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    host = host or current_app.config["MAIL_INBOUND_HOST"]
    port = port or current_app.config["MAIL_INBOUND_PORT"]
    # The real app behind the proxy (Flask types current_app as the app itself).
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    server = inbound_server(app, host, port, lmtp=lmtp)
    server.start()
    click.echo(f"Receiving mail by {'LMTP' if lmtp else 'SMTP'} on {host}:{port}.")
    try:
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    finally:
        server.stop()


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
