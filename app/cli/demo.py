"""`flask --app wsgi seed-demo`: load the demo data set."""

from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only seed when the database has no users.")
    def seed_demo_command(if_empty: bool) -> None:
        """Load demo organizations, people and about 200 tickets (idempotent)."""
        from app.demo.seed import seed_demo

        result = seed_demo(only_if_empty=if_empty)
        click.echo(result.message)
