"""Settings classes. Values come from the environment; nothing here fails on import."""

from __future__ import annotations

import os
from datetime import timedelta


class Config:
    # Empty means: refuse to start in production; in development, a random key kept in instance/.
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    # Empty means "a SQLite file in the instance folder", resolved in create_app.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # The site's public address (https://desk.example.com): links in mail are built from it, never
    # from a request's Host header. Required in production.
    BASE_URL = os.environ.get("BASE_URL", "")
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host/-Port; 0 (the
    # default) trusts none of these headers, since a client could send them itself.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Empty means "<instance folder>/attachments"; files are stored there under random keys.
    ATTACHMENTS_DIR = os.environ.get("ATTACHMENTS_DIR", "")
    ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    ATTACHMENT_MAX_FILES = 3
    # A request may carry a reply with its largest allowed attachments.
    MAX_CONTENT_LENGTH = ATTACHMENT_MAX_FILES * ATTACHMENT_MAX_BYTES + 1024 * 1024

    PASSWORD_HASH_METHOD = "scrypt"
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15

    QUEUE_PAGE_SIZE = 25

    SLA_SWEEP_SECONDS = int(os.environ.get("SLA_SWEEP_SECONDS", "60"))
    RISK_REFRESH_SECONDS = int(os.environ.get("RISK_REFRESH_SECONDS", "60"))
    ASSIGN_WAITING_SECONDS = int(os.environ.get("ASSIGN_WAITING_SECONDS", "60"))
    SCHEDULER_LEASE_SECONDS = int(os.environ.get("SCHEDULER_LEASE_SECONDS", "180"))
    TICKET_REFERENCE_PREFIX = "TD"


class DevelopmentConfig(Config):
    DEBUG = True


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "")
    # Cheap hashing keeps the suite fast; production uses scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The settings class named by TIERDESK_ENV (development by default)."""
    return CONFIGS.get(os.environ.get("TIERDESK_ENV", "development"), DevelopmentConfig)
