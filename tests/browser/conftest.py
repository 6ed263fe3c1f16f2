"""Browser journeys: the real app served by `flask run` on its own fresh database, driven by
Playwright in the OS's headless Chromium (never a downloaded browser).

Without Chromium (or Playwright) every test here is skipped with one reason, unless
TIERDESK_REQUIRE_BROWSER is set (CI): then the run stops with that reason."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from config import TestConfig
from tests.browser.journey import DESKTOP, Journey, PageGuard
from tests.browser.server import ROOT, LiveServer, fresh_database_url

HERE = Path(__file__).parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROME_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TIMEOUT_MS = 15_000


def _why_unavailable() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM}: browser journeys skipped; apt-get install chromium"
    if importlib.util.find_spec("playwright") is None:
        return (
            "Playwright for Python is not installed: browser journeys skipped; "
            "pip install -r requirements-dev.txt"
        )
    return None


UNAVAILABLE = _why_unavailable()


def pytest_collection_modifyitems(config, items) -> None:
    if UNAVAILABLE and os.environ.get("TIERDESK_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"TIERDESK_REQUIRE_BROWSER is set, so nothing may be skipped: {UNAVAILABLE}")
    skip = pytest.mark.skip(reason=UNAVAILABLE) if UNAVAILABLE else None
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            if skip is not None:
                item.add_marker(skip)


def pytest_terminal_summary(terminalreporter) -> None:
    if UNAVAILABLE and terminalreporter.stats.get("skipped"):
        terminalreporter.write_line(UNAVAILABLE, yellow=True)


@pytest.fixture(autouse=True)
def _app_context() -> Iterator[None]:
    """The suite's app and database are not used here: the journeys have a server of their own."""
    yield


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("browser")
    server = LiveServer(database_url=fresh_database_url(workdir), workdir=workdir)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        _drop_postgres_database(server.database_url)


def _drop_postgres_database(url_text: str) -> None:
    url = make_url(url_text)
    if not url.drivername.startswith("postgresql"):
        return
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def server_app(live_server):
    """An app on the server's database, for reading what the journeys wrote (and, where a
    journey needs another person's action, acting through the services as they would)."""
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=live_server.database_url,
        ATTACHMENTS_DIR=str(live_server.workdir / "files"),
        MAIL_CATCHALL_DIR=str(live_server.workdir / "mail"),
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def server_db(server_app) -> Iterator[None]:
    with server_app.app_context():
        yield
        db.session.remove()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshot_root(live_server) -> Path:
    folder = SCREENSHOTS / make_url(live_server.database_url).get_backend_name()
    shutil.rmtree(folder, ignore_errors=True)
    return folder


@pytest.fixture
def journey(request, browser, live_server, screenshot_root) -> Iterator[Callable[[str], Journey]]:
    """journey(who) opens a fresh browser session for one person; its screenshots go to
    artifacts/screenshots/<database>/<test>/<who>/."""
    contexts, guards = [], []

    def start(who: str) -> Journey:
        context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        guard = PageGuard()
        guard.watch(page)
        contexts.append(context)
        guards.append(guard)
        return Journey(page, guard, screenshot_root / request.node.name / who)

    yield start
    for context in contexts:
        context.close()
    for guard in guards:
        guard.check()
