"""Checks a server runs once before it serves: production settings, and a database it can open.

Each refusal is a RuntimeError of one sentence saying what to do; gunicorn prints it as
"Error: …" and exits 1, and so does the scheduler command. create_app runs only the settings
check (it never touches the database); the database check runs in gunicorn's master before any
worker starts and in `flask scheduler run`."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import db


def is_production(app: Flask) -> bool:
    return bool(app.config.get("SESSION_COOKIE_SECURE"))


def check_base_url(app: Flask) -> None:
    """Production needs the site's public address: links in mail cannot come from a Host header."""
    base = str(app.config.get("BASE_URL") or "")
    if not is_production(app):
        return
    parts = urlsplit(base)
    # Production cookies are Secure: a site reached over plain http could not keep anyone signed in.
    if parts.scheme != "https" or not parts.netloc:
        raise RuntimeError(
            "Set BASE_URL to the site's public https:// address for production, e.g. "
            f"BASE_URL=https://desk.example.com (now {base!r})."
        )


def trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from the X-Forwarded-* headers that TRUSTED_PROXIES
    reverse proxies in front of the app set (none by default: a client could forge them)."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count < 0:
        raise RuntimeError(f"TRUSTED_PROXIES must be 0 or a number of proxies (now {count}).")
    if count:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )


def check_database(app: Flask) -> None:
    """Open the database and find its schema; refuse in one sentence when either fails."""
    with app.app_context():
        engine = db.engine
        where = engine.url.render_as_string(hide_password=True)
        try:
            with engine.connect() as connection:
                migrated = inspect(connection).has_table("alembic_version")
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise RuntimeError(f"Cannot open the database {where}: {reason}.") from None
        finally:
            engine.dispose()
    if not migrated:
        raise RuntimeError(
            f"The database {where} has no tables yet; run `flask --app wsgi db upgrade` first."
        )
