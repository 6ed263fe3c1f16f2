"""The migrations build exactly the schema the models describe, on a fresh database."""

from __future__ import annotations

import os
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


# The migration that made SLA targets optional, on a database in use: SQLite cannot rebuild a
# table other rows refer to, so it must change sla_policies without rebuilding it.
OPTIONAL_TARGETS = "d4f8a2c6e1b3"


def _revision_before(revision: str) -> str:
    """The revision a migration follows (read from its file, so re-chaining keeps this right)."""
    path = next(Path(__file__).parents[2].glob(f"migrations/versions/{revision}_*.py"))
    return re.search(r"^down_revision = ['\"](\w+)['\"]", path.read_text(), re.M).group(1)


OPTIONAL_TARGETS_BEFORE = _revision_before(OPTIONAL_TARGETS)


def _fill(connection) -> None:
    connection.execute(
        text(
            "INSERT INTO business_calendars"
            " (id, name, timezone, weekly_hours, closed_dates, always_open, created_at)"
            " VALUES (1, 'c', 'UTC', '{}', '[]', true, CURRENT_TIMESTAMP)"
        )
    )
    connection.execute(
        text(
            "INSERT INTO sla_policies (id, name, calendar_id, is_default, first_response_minutes,"
            " next_response_minutes, resolution_minutes, dwell_minutes, warn_percent, created_at)"
            " VALUES (1, 'p', 1, true, 60, 120, 480, '[60, 60, 60, 60, 60]', 80, CURRENT_TIMESTAMP)"
        )
    )
    connection.execute(
        text(
            "INSERT INTO organizations (id, name, account_tier, lifecycle_stage, lifetime_value, created_at)"
            " VALUES (1, 'o', 'inside', 'activation', 0, CURRENT_TIMESTAMP)"
        )
    )
    connection.execute(
        text(
            "INSERT INTO customers (id, name, email, is_org_admin, created_at)"
            " VALUES (1, 'c', 'c@x.test', false, CURRENT_TIMESTAMP)"
        )
    )


def test_sla_targets_become_optional_with_tickets_referring_to_the_policy(fresh_app):
    _flask(fresh_app, "upgrade", OPTIONAL_TARGETS_BEFORE)
    with db.engine.begin() as connection:
        _fill(connection)
        connection.execute(
            text(
                "INSERT INTO tickets (id, subject, description, customer_id, channel, category, status,"
                " priority, tier, created_at, updated_at, tier_entered_at, reopen_count, escalation_count,"
                " version, sla_policy_id) VALUES (1, 's', 'd', 1, 'portal', 'general', 'open', 'normal', 1,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0, 0, 1, 1)"
            )
        )
    _flask(fresh_app, "upgrade", OPTIONAL_TARGETS)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE sla_policies SET resolution_minutes = NULL WHERE id = 1"))
        assert connection.execute(text("SELECT resolution_minutes FROM sla_policies")).scalar() is None
    _flask(fresh_app, "downgrade", OPTIONAL_TARGETS_BEFORE)
    with db.engine.begin() as connection:
        assert (
            connection.execute(text("SELECT resolution_minutes FROM sla_policies")).scalar() == 366 * 24 * 60
        )
    _flask(fresh_app, "upgrade")
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT sla_policy_id FROM tickets")).scalar() == 1
