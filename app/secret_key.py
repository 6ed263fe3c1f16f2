"""The session signing key: from the environment, or for development a random one kept in instance/.

A well-known default key would let anyone forge a signed-in session, so there is none: production
refuses to start without SECRET_KEY, and development generates a key once and reuses it, so
sessions survive a restart of `make run`."""

from __future__ import annotations

import os
import secrets

from flask import Flask

MIN_LENGTH = 32
KEY_FILE = "secret_key"


def resolve_secret_key(app: Flask, *, production: bool) -> None:
    """Set app.secret_key, or raise RuntimeError with one sentence saying what to do."""
    key = app.config.get("SECRET_KEY")
    if key:
        if production and len(str(key)) < MIN_LENGTH:
            raise RuntimeError(
                f"SECRET_KEY is shorter than {MIN_LENGTH} characters; set a long random one, e.g. "
                '`python -c "import secrets; print(secrets.token_urlsafe(48))"`.'
            )
        return
    if production:
        raise RuntimeError(
            "Set SECRET_KEY in the environment for production (a long random string, e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(48))"`).'
        )
    app.config["SECRET_KEY"] = _development_key(app.instance_path)


def _development_key(instance_path: str) -> str:
    path = os.path.join(instance_path, KEY_FILE)
    try:
        with open(path, encoding="ascii") as stored:
            key = stored.read().strip()
        if len(key) >= MIN_LENGTH:
            return key
    except FileNotFoundError:
        pass
    os.makedirs(instance_path, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created readable by its owner only; a second process starting at once keeps the first key.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as stored:
            return stored.read().strip() or key
    with os.fdopen(descriptor, "w", encoding="ascii") as new:
        new.write(key)
    return key
