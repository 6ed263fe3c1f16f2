"""Personal API tokens: created and revoked by their owner (shown once), listed and revoked by
admins, and checked on every API request.

A token is 32 random bytes (256 bits) from `secrets`, so it cannot be guessed or found by trying
a dictionary against a leaked table: a plain SHA-256 digest is enough to store it, and unlike a
slow password hash it costs nothing on each request. Only the digest and a short prefix (to tell
tokens apart in lists) are stored; the token itself is shown once, when it is created."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from app.domain.audit import AuditKind
from app.domain.errors import InvalidInput, NotFound
from app.domain.ids import is_row_id
from app.domain.vocabulary import Role
from app.extensions import db
from app.models import ApiToken, User
from app.models.types import utcnow
from app.services.accounts.signed_in import token_by_digest
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.transaction import transaction

TOKEN_PREFIX = "tdk_"
SCOPES = {"read": "Read only", "read_write": "Read and write"}
MAX_TOKENS_PER_USER = 20
# last_used_at is a hint for people, not an audit trail: written at most this often per token,
# so a burst of requests costs no burst of writes.
LAST_USED_PRECISION = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_token(
    actor: User, name: str, scope: str, *, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for the actor; returns it with the raw token, which is never shown again."""
    now = now or utcnow()
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise InvalidInput("Name the token (up to 80 characters), e.g. the script that uses it.", "name")
    if scope not in SCOPES:
        raise InvalidInput("The scope is read or read_write.", field="scope")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction():
        live = db.session.scalars(
            select(ApiToken.id).where(ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None))
        ).all()
        if len(live) >= MAX_TOKENS_PER_USER:
            raise InvalidInput(f"You have {MAX_TOKENS_PER_USER} tokens; revoke one first.", "name")
        token = ApiToken(
            user_id=actor.id,
            name=name,
            prefix=raw[:12],
            token_hash=_digest(raw),
            scope=scope,
            created_at=now,
        )
        db.session.add(token)
        audit(
            AuditKind.api_token_created,
            f"{actor.email} created the API token '{name}' ({scope})",
            actor=actor,
            now=now,
            data={"scope": scope, "prefix": token.prefix},
        )
    return token, raw


def own_api_tokens(actor: User) -> list[ApiToken]:
    """The actor's tokens that still work, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id.desc())
        )
    )


def all_api_tokens(actor: User) -> list[ApiToken]:
    """Every working token with its owner, for admins."""
    require_admin(actor)
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.revoked_at.is_(None))
            .options(joinedload(ApiToken.user))
            .order_by(ApiToken.id.desc())
        )
    )


def revoke_api_token(actor: User, token_id: int, *, now: datetime | None = None) -> ApiToken:
    """Revoke one of the actor's tokens, or (for an admin) anyone's; it stops working at once."""
    now = now or utcnow()
    with transaction():
        token = db.session.get(ApiToken, token_id) if is_row_id(token_id) else None
        if token is None or token.revoked_at is not None:
            raise NotFound("No such token.")
        # Someone else's token is not even known to exist, unless the actor is an admin.
        if token.user_id != actor.id and not (actor.role is Role.admin and actor.active):
            raise NotFound("No such token.")
        token.revoked_at = now
        audit(
            AuditKind.api_token_revoked,
            f"{actor.email} revoked the API token '{token.name}' of user {token.user_id}",
            actor=actor,
            now=now,
            data={"prefix": token.prefix, "owner_id": token.user_id},
        )
    return token


def authenticate_api_token(raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The working token behind a bearer value, with its active user loaded (and the user's
    customer profile and organization, which a customer's request reads); None otherwise.

    Its last use is stored at most once a minute, by a conditional UPDATE that concurrent
    requests cannot double up."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    now = now or utcnow()
    token = token_by_digest(_digest(raw))
    if token is None or not token.user.active:
        return None
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_PRECISION:
        cutoff = now - LAST_USED_PRECISION
        with transaction():
            db.session.execute(
                update(ApiToken)
                .where(
                    ApiToken.id == token.id,
                    or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= cutoff),
                )
                .values(last_used_at=now)
                .execution_options(synchronize_session=False)
            )
    return token


def token_owner(token: ApiToken) -> User:
    """The user a token acts as."""
    user: User = token.user
    return user
