"""Ending a person's sessions: every session and remember cookie carries the user's session
generation, and raising it makes them all invalid at their next request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from app.domain.audit import AuditKind
from app.domain.errors import InvalidInput
from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import User
from app.models.types import utcnow
from app.services.accounts.passwords import check_new_password, hash_password, verify_password
from app.services.audit.record import audit
from app.services.common.history import record
from app.services.common.transaction import transaction


def bump_generation(user: User) -> None:
    """Raise the generation inside the caller's transaction (one UPDATE, so two devices ending
    sessions at once both count) and refresh the object with the new value."""
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_generation=User.session_generation + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ["session_generation"])


def end_sessions(user: User, *, everywhere: bool, now: datetime | None = None) -> None:
    """Sign out: every session and remember cookie of this person ends (on every device: a stolen
    cookie must not outlive the sign-out that was meant to end it)."""
    now = now or utcnow()
    with transaction():
        bump_generation(user)
        audit(
            AuditKind.sessions_ended if everywhere else AuditKind.signed_out,
            f"{user.email} signed out" + (" everywhere" if everywhere else ""),
            actor=user,
            now=now,
        )
        if everywhere:
            record(
                ActivityKind.sessions_ended,
                f"{user.email} signed out everywhere",
                now=now,
                actor=user,
            )


def change_password(user: User, current: str, new: str, *, now: datetime | None = None) -> None:
    """A new password, given the current one; every other session ends."""
    now = now or utcnow()
    if not verify_password(user.password_hash, current or ""):
        raise InvalidInput("That is not your current password.", field="current")
    new = check_new_password(new, email=user.email, name=user.name)
    if verify_password(user.password_hash, new):
        raise InvalidInput("Choose a password different from the current one.", field="password")
    with transaction():
        user.password_hash = hash_password(new)
        bump_generation(user)
        audit(AuditKind.password_changed, f"{user.email} changed their password", actor=user, now=now)
        record(ActivityKind.password_changed, f"{user.email} changed their password", now=now, actor=user)
