"""Single-use, expiring tokens sent by email (verification, password reset). Only a SHA-256 of
each token is stored, so a leaked database holds no usable link."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.domain.errors import InvalidInput
from app.extensions import db
from app.models import AuthToken, User
from app.services.common.rows import rows_matched

LIFETIMES = {"verify_email": timedelta(hours=48), "reset_password": timedelta(hours=1)}


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, purpose: str, now: datetime) -> str:
    """A new token (inside the caller's transaction); older unused ones of the purpose stop working."""
    if purpose not in LIFETIMES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    db.session.execute(
        update(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.purpose == purpose, AuthToken.used_at.is_(None))
        .values(used_at=now)
    )
    raw = secrets.token_urlsafe(32)
    db.session.add(
        AuthToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_digest(raw),
            expires_at=now + LIFETIMES[purpose],
            created_at=now,
        )
    )
    return raw


INVALID = "This link is invalid, expired or already used. Ask for a new one."


def _usable(raw: str, purpose: str, now: datetime) -> AuthToken:
    token = db.session.scalars(
        select(AuthToken).where(AuthToken.token_hash == _digest(raw or ""), AuthToken.purpose == purpose)
    ).first()
    if token is None or token.used_at is not None or token.expires_at <= now:
        raise InvalidInput(INVALID, field="token")
    return token


def check_token(raw: str, purpose: str, now: datetime) -> None:
    """Raise unless the token would work now; does not use it up (for showing a form)."""
    _usable(raw, purpose, now)


def consume_token(raw: str, purpose: str, now: datetime) -> User:
    """The user behind a valid token, marking it used; a sentence for anything else.

    The conditional UPDATE makes single use hold even for two requests at the same moment."""
    token = _usable(raw, purpose, now)
    claimed = rows_matched(
        db.session.execute(
            update(AuthToken).where(AuthToken.id == token.id, AuthToken.used_at.is_(None)).values(used_at=now)
        )
    )
    if claimed != 1:
        raise InvalidInput(INVALID, field="token")
    user = db.session.get(User, token.user_id)
    if user is None or not user.active:
        raise InvalidInput("This account can no longer sign in.", field="token")
    return user
