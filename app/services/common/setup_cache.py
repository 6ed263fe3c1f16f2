"""Per-process copies of the desk's setup (enabled escalation rules, SLA policies), checked
against a version row once per request.

Every edit of a kind of setup writes a fresh version number into its `setup_versions` row in the
edit's own transaction. A process keeps what it built from the setup beside the version it read
before building; the first read of the versions in a request (one small query) tells whether the
copy is still current, so an edit made by any worker is seen by the very next request in every
other one. The number is random rather than counted up: an edit rolled back after this process
read its number must never be mistaken for a later edit that commits."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import g
from sqlalchemy import ColumnElement, String, func, select, update
from sqlalchemy import cast as cast_to

from app.extensions import db
from app.models import SetupVersion
from app.services.common.rows import rows_matched

RULES = "rules"
SLA = "sla"
# Which knowledge-base categories answer requests by themselves (tickets.self_service).
KB = "kb"

T = TypeVar("T")

_copies: dict[str, tuple[int, Any]] = {}
# When each copy was last found current (time.monotonic()), for recent_setup.
_confirmed: dict[str, float] = {}


def _versions() -> dict[str, int]:
    known: dict[str, int] | None = g.get("setup_versions")
    if known is None:
        known = {
            name: version
            for name, version in db.session.execute(select(SetupVersion.name, SetupVersion.version))
        }
        g.setup_versions = known
    return known


def versions_column() -> ColumnElement[str | None]:
    """Every setup version as one text value ("name=version" joined by commas), for a caller that
    reads the versions in a statement of its own; it hands the value to note_versions."""
    pair = SetupVersion.name + "=" + cast_to(SetupVersion.version, String)
    return select(func.aggregate_strings(pair, ",")).scalar_subquery()


def note_versions(value: str | None) -> None:
    """The versions as versions_column() read them, for the rest of this request."""
    known: dict[str, int] = {}
    for pair in (value or "").split(","):
        if pair:
            name, _, version = pair.partition("=")
            known[name] = int(version)
    g.setup_versions = known


def bump_setup(name: str) -> None:
    """Mark a kind of setup changed, inside the editing transaction."""
    version = secrets.randbits(62)
    written = db.session.execute(
        update(SetupVersion).where(SetupVersion.name == name).values(version=version)
    )
    if not rows_matched(written):
        db.session.add(SetupVersion(name=name, version=version))
    g.pop("setup_versions", None)
    _confirmed.pop(name, None)


def cached_setup(name: str, build: Callable[[], T]) -> T:
    """This process's copy of a kind of setup, built again when its version changed."""
    version = _versions().get(name, 0)
    _confirmed[name] = time.monotonic()
    copy = _copies.get(name)
    if copy is not None and copy[0] == version:
        return cast(T, copy[1])
    value = build()
    _copies[name] = (version, value)
    return value


def recent_setup(name: str, build: Callable[[], T], max_age: float) -> T:
    """The copy as cached_setup gives it, except that a request which has not read the versions
    yet takes a copy found current within `max_age` seconds instead of reading them: for setup
    asked about on paths that read no other setup, where an edit may take that long to reach
    the other processes (this one sees its own edits at once)."""
    copy = _copies.get(name)
    fresh = time.monotonic() - _confirmed.get(name, float("-inf")) <= max_age
    if copy is not None and fresh and g.get("setup_versions") is None:
        return cast(T, copy[1])
    return cached_setup(name, build)
