"""Flask-Migrate, loaded when a migration is asked for: `flask db …`, or `flask_migrate.upgrade()`
from the tests and benchmarks. It brings Alembic along (about 11 MB per process), which a web
worker never needs."""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING, Any

import click
from flask import Flask, g
from flask.cli import with_appcontext

from app.extensions import db

if TYPE_CHECKING:
    from flask_migrate import Migrate


@cache
def migrate_extension() -> Migrate:
    """The process's one Flask-Migrate instance (its configure callbacks apply to every app)."""
    from flask_migrate import Migrate

    return Migrate(render_as_batch=True, compare_type=True)


class _Migrations:
    """Stands in for Flask-Migrate's state in `app.extensions["migrate"]` until first read, when
    Flask-Migrate is bound to the app (which puts its real state there) and answers."""

    def __init__(self, app: Flask) -> None:
        self._app = app

    def __getattr__(self, name: str) -> Any:
        migrate_extension().init_app(self._app, db)
        return getattr(self._app.extensions["migrate"], name)


class _Commands(click.Group):
    """The `flask db` group, whose commands are Flask-Migrate's, imported when one is run."""

    def _group(self) -> click.Group:
        # flask_migrate.cli has no type stubs; its `db` is a click group.
        group: click.Group = importlib.import_module("flask_migrate.cli").db
        return group

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._group().get_command(ctx, cmd_name)


# The options of Flask-Migrate's own group, which its commands read from `g`.
@click.group("db", cls=_Commands)
@click.option("-d", "--directory", default=None, help='Migration script directory (default is "migrations")')
@click.option("-x", "--x-arg", multiple=True, help="Additional arguments consumed by custom env.py scripts")
@with_appcontext
def _db(directory: str | None, x_arg: tuple[str, ...]) -> None:
    """Perform database migrations."""
    g.directory = directory
    g.x_arg = x_arg


def register(app: Flask) -> None:
    app.extensions["migrate"] = _Migrations(app)
    app.cli.add_command(_db)
