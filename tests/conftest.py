"""Shared fixtures: one app per session on a real database (SQLite by default, PostgreSQL when
TEST_DATABASE_URL points at one), built by the migrations and emptied after every test; the demo
data seeded once per session and restored for each test that asks for it."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from flask import g, request_started
from flask_migrate import upgrade
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from app import create_app
from app.demo.seed import seed_demo
from app.extensions import db
from app.models.types import utcnow
from app.search_schema import HAND_MADE
from config import TestConfig
from tests import factories
from tests.snapshot import Snapshot, empty_tables, restore_snapshot, take_snapshot

# Properties are checked for what they state, not for speed: a busy machine (several suites at
# once, a slow CI runner) must not fail them on Hypothesis's timing checks.
settings.register_profile("tierdesk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tierdesk")


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _drop_everything() -> None:
    """Start from an empty database, so the schema is the one the migrations build."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":  # the search index the migrations made by hand
            for index in HAND_MADE:
                for fts in index.fts_tables:
                    connection.execute(text(f"DROP TABLE IF EXISTS {fts}"))
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _fresh_g(sender, **extra) -> None:
    """Requests made while a test holds an app context share its `g`; a real request starts with
    an empty one, so clear it (Flask-Login caches the signed-in user there)."""
    g.__dict__.clear()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    files = tmp_path_factory.mktemp("files")
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=_database_url(tmp_path_factory),
        # Files and catch-all mail stay in this run's temp dir, not the checkout's instance/
        # folder, so two runs at once (CI's SQLite and PostgreSQL passes) share nothing.
        ATTACHMENTS_DIR=str(files / "attachments"),
        MAIL_CATCHALL_DIR=str(files / "mail"),
    )
    request_started.connect(_fresh_g, app, weak=False)
    with app.app_context():
        _drop_everything()
        upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _app_context(app):
    """Each test runs in its own app context and leaves every table empty."""
    with app.app_context():
        yield
        db.session.remove()
        empty_tables()


@pytest.fixture(scope="session")
def demo_now() -> datetime:
    """The instant the shared demo data is seeded: the clock's, as `flask seed-demo` uses. Pages
    measure the data against the clock (SLA time left, rating windows), so the demo tests see a
    freshly seeded desk, not one that a fixed instant would make older every day."""
    return utcnow()


@pytest.fixture(scope="session")
def demo_snapshot(app, demo_now) -> Snapshot:
    """The demo data as `seed_demo(now=demo_now)` writes it, seeded once and read into memory."""
    with app.app_context():
        assert seed_demo(now=demo_now).created, "the test database must be empty before seeding"
        db.session.remove()
        snapshot = take_snapshot()
        empty_tables()
    return snapshot


@pytest.fixture
def demo(_app_context, demo_snapshot) -> None:
    """The demo data in the test's database, as `seed_demo(now=demo_now)` left it."""
    restore_snapshot(demo_snapshot)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def now() -> datetime:
    """A fixed instant: Monday 2 March 2026, 10:00 UTC."""
    return datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Auth:
    """Signs a test client in through the real login form."""

    def __init__(self, client) -> None:
        self.client = client

    def login(self, user, password: str = factories.PASSWORD):
        response = self.client.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


@pytest.fixture
def login_as(client):
    """login_as(user) signs the client in as that user and returns the client."""

    def _login(user):
        Auth(client).login(user)
        return client

    return _login
