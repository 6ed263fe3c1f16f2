"""Command-line entry points: `flask --app wsgi <command>`, one module per capability."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add every command group to the app's `flask` command."""
    from app.cli import demo, imports, mail, reports, rules, sla, webhooks

    for module in (demo, imports, mail, reports, rules, sla, webhooks):
        module.register(app)
