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
    # Each SQLite connection's page cache, in MB: commands, the scheduler and reports. A web
    # worker sets its own, smaller one (WEB_SQLITE_CACHE_MB in gunicorn.conf.py).
    SQLITE_CACHE_MB = float(os.environ.get("SQLITE_CACHE_MB", "32"))
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
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("REMEMBER_DAYS", "14")))
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Empty means "<instance folder>/attachments"; files are stored there under random keys.
    ATTACHMENTS_DIR = os.environ.get("ATTACHMENTS_DIR", "")
    ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    ATTACHMENT_MAX_FILES = 3
    # A request may carry a reply with its largest allowed attachments.
    MAX_CONTENT_LENGTH = ATTACHMENT_MAX_FILES * ATTACHMENT_MAX_BYTES + 1024 * 1024

    # scrypt with N=2^13, r=8, p=10: one of the OWASP Password Storage Cheat Sheet's equivalent
    # settings (as strong as N=2^17, r=8, p=1), and the one that needs the least memory, 8 MiB
    # per check instead of the 32 MiB of werkzeug's default (N=2^15, p=1) or the 128 MiB of
    # N=2^17. Hashes made with other settings still verify and are made anew at the next sign-in.
    PASSWORD_HASH_METHOD = "scrypt:8192:8:10"
    # scrypt runs in a short-lived child process, so a web worker's peak size never holds its
    # 8 MiB (app/services/accounts/hash_child.py).
    PASSWORD_HASH_IN_CHILD = True
    # Wrong passwords in a row that cost nothing; then each guess at the account waits, from the
    # first delay, doubling up to the longest (no fixed lock that a stranger could keep closed).
    LOGIN_MAX_FAILURES = 5
    LOGIN_FIRST_DELAY_SECONDS = 30
    LOGIN_MAX_DELAY_SECONDS = 600
    # Wrong passwords are forgotten this long after the last one (a right one takes back only its
    # own count, so that a parallel burst cannot reset the count with one lucky guess).
    LOGIN_FAILURE_MEMORY_SECONDS = 3600

    # Throttles per client address (Flask-Limiter). memory:// counts in this process only (make
    # run); several workers or hosts share a redis://host:port/0 store.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_LIMIT = os.environ.get("SIGN_IN_LIMIT", "10 per minute;60 per hour")
    REGISTER_LIMIT = "5 per hour"
    RESET_LIMIT = "5 per hour"
    # Reset mails to one account, whoever asks: beyond this the request is answered as usual and
    # no mail is queued.
    RESET_PER_ACCOUNT_LIMIT = "3 per hour"
    SUGGEST_LIMIT = "60 per minute"
    # New requests per customer account; a deployment (or a load test) sets its own.
    NEW_REQUEST_LIMIT = os.environ.get("NEW_REQUEST_LIMIT", "10 per hour")
    # Requests per personal API token (all of /api/v1 counts together).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")

    # Admins without two-step sign-in are sent to set it up before any admin page.
    REQUIRE_2FA_FOR_ADMINS = os.environ.get("REQUIRE_2FA_FOR_ADMINS", "") in ("1", "true", "yes")
    # How long the code step of a sign-in may wait after the right password.
    TWO_STEP_SECONDS = 300

    QUEUE_PAGE_SIZE = 25

    SLA_SWEEP_SECONDS = int(os.environ.get("SLA_SWEEP_SECONDS", "60"))
    # A policy edit gives the waiting tickets their policy itself when at most this many wait;
    # else the sla-adoption job does, this many tickets per transaction.
    SLA_ADOPTION_INLINE = int(os.environ.get("SLA_ADOPTION_INLINE", "2000"))
    SLA_ADOPTION_BATCH = int(os.environ.get("SLA_ADOPTION_BATCH", "2000"))
    SLA_ADOPTION_SECONDS = int(os.environ.get("SLA_ADOPTION_SECONDS", "10"))
    RISK_REFRESH_SECONDS = int(os.environ.get("RISK_REFRESH_SECONDS", "60"))
    ASSIGN_WAITING_SECONDS = int(os.environ.get("ASSIGN_WAITING_SECONDS", "60"))
    VENDOR_OVERDUE_SECONDS = int(os.environ.get("VENDOR_OVERDUE_SECONDS", "60"))
    STATISTICS_SECONDS = int(os.environ.get("STATISTICS_SECONDS", "3600"))
    REPORTS_FOLD_SECONDS = int(os.environ.get("REPORTS_FOLD_SECONDS", "300"))
    SCHEDULER_LEASE_SECONDS = int(os.environ.get("SCHEDULER_LEASE_SECONDS", "180"))
    TICKET_REFERENCE_PREFIX = "TD"
    # The automatic tier-0 answer is sent only when an article is at least this sure (0.0–1.0).
    SELF_SERVICE_CONFIDENCE = float(os.environ.get("SELF_SERVICE_CONFIDENCE", "0.6"))

    # Every link in mail is built from here, never from a request's Host header.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Outgoing mail: smtp://user:pass@host:587?starttls=true or smtps://…; empty means the local
    # catch-all (.eml files in MAIL_CATCHALL_DIR, shown at /dev/mail in development).
    MAIL_URL = os.environ.get("MAIL_URL", "")
    MAIL_CATCHALL_DIR = os.environ.get("MAIL_CATCHALL_DIR", "")  # empty: <instance>/mail
    MAIL_CATCHALL_PAGE = False
    MAIL_FROM = os.environ.get("MAIL_FROM", "support@tierdesk.localhost")
    MAIL_FROM_NAME = os.environ.get("MAIL_FROM_NAME", "Tierdesk Support")
    # Where customers' answers go (the address the inbound endpoint or mailbox receives).
    MAIL_REPLY_TO = os.environ.get("MAIL_REPLY_TO", "")
    MAIL_DELIVERY_SECONDS = int(os.environ.get("MAIL_DELIVERY_SECONDS", "10"))
    MAIL_BATCH_SIZE = 200
    MAIL_MAX_ATTEMPTS = 8
    MAIL_TIMEOUT_SECONDS = 30
    MAIL_REMINDER_SECONDS = int(os.environ.get("MAIL_REMINDER_SECONDS", "600"))
    MAIL_REMINDER_DAYS = 3
    # Incoming mail: the SMTP/LMTP endpoint (`flask mail serve`) and IMAP polling.
    MAIL_INBOUND_HOST = os.environ.get("MAIL_INBOUND_HOST", "127.0.0.1")
    MAIL_INBOUND_PORT = int(os.environ.get("MAIL_INBOUND_PORT", "2525"))
    # Endpoint processes of `flask mail serve` sharing its port; empty or 0: one per CPU.
    MAIL_SERVE_PROCESSES = os.environ.get("MAIL_SERVE_PROCESSES", "")
    MAIL_IMAP_URL = os.environ.get("MAIL_IMAP_URL", "")  # imap(s)://user:pass@host:port/INBOX
    MAIL_IMAP_SECONDS = int(os.environ.get("MAIL_IMAP_SECONDS", "60"))
    MAIL_INBOUND_MAX_BYTES = 15 * 1024 * 1024
    MAIL_SENDER_PER_HOUR = 30
    # Webhooks: how often the outbox is delivered, how many per claim, each request's timeout.
    WEBHOOK_DELIVERY_SECONDS = int(os.environ.get("WEBHOOK_DELIVERY_SECONDS", "5"))
    WEBHOOK_BATCH_SIZE = 200
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))
    # A request that read no setup trusts a copy of the webhooks found current this recently when
    # it says nobody listens: an event then costs no statement, and a first subscriber added in
    # another process is seen on such requests within this many seconds.
    WEBHOOK_LISTENERS_FRESH_SECONDS = 1.0


class DevelopmentConfig(Config):
    DEBUG = True
    MAIL_CATCHALL_PAGE = True


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "")
    # Cheap hashing keeps the suite fast; production uses scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # Every test signs in from the same address: the throttle tests set their own limits.
    SIGN_IN_LIMIT = REGISTER_LIMIT = RESET_LIMIT = RESET_PER_ACCOUNT_LIMIT = "10000 per minute"
    SUGGEST_LIMIT = NEW_REQUEST_LIMIT = API_RATE_LIMIT = "10000 per minute"


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
