"""Password hashes: new ones made with the configured method, and older ones (made with another
method or other parameters) still checked and replaced by a new one at their next sign-in."""

from __future__ import annotations

import os

from flask import current_app
from werkzeug.security import DEFAULT_PBKDF2_ITERATIONS, check_password_hash, generate_password_hash

from app.domain.errors import InvalidInput
from app.domain.passwords import password_problem
from app.services.accounts.hash_child import check_in_child, hash_in_child

# werkzeug's parameters for a method named without them.
_SCRYPT_DEFAULTS = ("32768", "8", "1")
_PBKDF2_DEFAULTS = ("sha256", str(DEFAULT_PBKDF2_ITERATIONS))


def hash_password(password: str) -> str:
    """A salted hash with the configured method (scrypt with a small memory footprint unless the
    settings name another, as the tests do for speed)."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if _in_child(method):
        return hash_in_child(password, method)
    return generate_password_hash(password, method=method)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches the stored hash (an scrypt check runs in a child process,
    see hash_child, unless PASSWORD_HASH_IN_CHILD is off)."""
    if _in_child(password_hash):
        return check_in_child(password_hash, password)
    return check_password_hash(password_hash, password)


def _in_child(method_or_hash: str) -> bool:
    return (
        method_or_hash.startswith("scrypt")
        and bool(current_app.config.get("PASSWORD_HASH_IN_CHILD"))
        and hasattr(os, "fork")
    )


def needs_new_hash(password_hash: str) -> bool:
    """Whether a stored hash was made with another method or other parameters than new hashes are."""
    return password_hash.partition("$")[0] != full_method(current_app.config["PASSWORD_HASH_METHOD"])


def full_method(method: str) -> str:
    """The method as a hash made with it names itself ("scrypt" is stored as "scrypt:32768:8:1")."""
    name, *given = method.split(":")
    defaults = {"scrypt": _SCRYPT_DEFAULTS, "pbkdf2": _PBKDF2_DEFAULTS}.get(name, ())
    return ":".join([name, *given, *defaults[len(given) :]])


def check_new_password(password: str | None, *, email: str = "", name: str = "") -> str:
    """The password, unless it is too short, too long or easy to guess for this person."""
    password = password or ""
    problem = password_problem(password, known_words=(email, name))
    if problem:
        raise InvalidInput(problem, field="password")
    return password
