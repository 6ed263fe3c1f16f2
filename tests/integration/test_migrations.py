"""The migrations build exactly the schema the models describe, on a fresh database."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.migration_commands import migrate_extension
from config import TestConfig


@contextmanager
def _fresh_database(tmp_path) -> Iterator[str]:
    """An empty database of the kind the suite runs on: a new SQLite file, or a new PostgreSQL
    database on the server of TEST_DATABASE_URL (dropped afterwards)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"tierdesk_migrations_{uuid.uuid4().hex[:10]}"
    server = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def alembic_output() -> Iterator[None]:
    """Alembic prints to the sys.stdout it saw when it was imported; send it to the stream the
    CLI runner captures instead, so the tests can read what `flask db` printed."""

    def print_to_the_runner(config):
        config.stdout = sys.stdout
        return config

    migrate_extension().configure(print_to_the_runner)
    yield
    migrate_extension().configure_callbacks.remove(print_to_the_runner)


@pytest.fixture
def fresh_app(tmp_path, alembic_output):
    with _fresh_database(tmp_path) as url:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def _flask(app, *args: str):
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, f"flask db {' '.join(args)} failed:\n{result.output}"
    return result


def test_upgrade_on_an_empty_database_leaves_no_drift(app, alembic_output):
    # The suite's own database is the one: the session began by upgrading it from empty.
    # `db check` exits non-zero when models and migrations disagree.
    assert "No new upgrade operations detected" in _flask(app, "check").output


def test_downgrade_to_base_and_upgrade_again(fresh_app):
    _flask(fresh_app, "upgrade")
    _flask(fresh_app, "downgrade", "base")
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 0
    _flask(fresh_app, "upgrade")
    assert "No new upgrade operations detected" in _flask(fresh_app, "check").output


def test_check_reports_drift_when_a_model_is_ahead_of_the_migrations(fresh_app):
    _flask(fresh_app, "upgrade")
    with db.engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_tickets_created"))
    result = fresh_app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code != 0
