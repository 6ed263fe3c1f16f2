"""Two-step sign-in with an authenticator app (TOTP) and one-time recovery codes: enrolling,
the second step at sign-in, turning it off, and an admin's reset for someone who lost both."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from app.domain.audit import AuditKind
from app.domain.errors import InvalidInput
from app.domain.sessions import parse_session_identity
from app.domain.two_factor import (
    accepted_step,
    looks_like_recovery_code,
    new_recovery_codes,
    new_secret,
    recovery_hash,
)
from app.extensions import db
from app.models import RecoveryCode, User
from app.models.types import utcnow
from app.services.accounts.passwords import verify_password
from app.services.accounts.sessions import bump_generation
from app.services.accounts.sign_in import claim_guess, take_back_guess
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.rows import find_row, rows_matched
from app.services.common.transaction import transaction

WRONG_CODE = "That code is not right. Type the 6 digits your app shows now, or a recovery code."


def start_enrolment(user: User) -> str:
    """A new secret for the person's authenticator app; it counts only once a code confirms it."""
    if user.two_factor_on:
        raise InvalidInput("Two-step sign-in is on already.", field="code")
    with transaction():
        user.totp_secret, user.totp_last_step = new_secret(), None
    return user.totp_secret


def confirm_enrolment(user: User, code: str, *, now: datetime | None = None) -> list[str]:
    """The first right code turns two-step sign-in on; returns the recovery codes, which are
    shown once (only their hashes are kept)."""
    now = now or utcnow()
    if user.two_factor_on or user.totp_secret is None:
        raise InvalidInput("Start the set-up again.", field="code")
    step = accepted_step(user.totp_secret, code or "", now, None)
    if step is None:
        raise InvalidInput("That code is not right; type the 6 digits your app shows now.", field="code")
    codes = new_recovery_codes()
    with transaction():
        user.totp_enabled_at, user.totp_last_step = now, step
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        db.session.add_all(RecoveryCode(user_id=user.id, code_hash=recovery_hash(c)) for c in codes)
        audit(AuditKind.two_factor_enabled, f"{user.email} turned on two-step sign-in", actor=user, now=now)
    return codes


def pending_user(identity: str) -> User | None:
    """The person half signed in (right password, code still to come), if that is still so."""
    parsed = parse_session_identity(identity)
    if parsed is None:
        return None
    user = find_row(User, parsed[0])
    if user is None or not user.active or user.session_generation != parsed[1] or not user.two_factor_on:
        return None
    return user


def check_second_step(user: User, code: str, *, now: datetime | None = None, signing_in: bool = True) -> None:
    """A right code (or an unused recovery code) completes the sign-in (or confirms turning
    two-step sign-in off); each try counts like a password guess, so codes cannot be guessed
    faster than passwords."""
    now = now or utcnow()
    code = (code or "").strip()
    failures = claim_guess(user.id, now)
    if failures is not None and _code_accepted(user, code, now, signing_in):
        take_back_guess(user.id, failures, now)
        return
    audit(AuditKind.two_factor_failed, "Wrong or reused sign-in code", email=user.email, now=now)
    raise InvalidInput(WRONG_CODE, field="code")


def _code_accepted(user: User, code: str, now: datetime, signing_in: bool) -> bool:
    assert user.totp_secret is not None
    if looks_like_recovery_code(code):
        with transaction():
            used = rows_matched(
                db.session.execute(
                    update(RecoveryCode)
                    .where(
                        RecoveryCode.user_id == user.id,
                        RecoveryCode.code_hash == recovery_hash(code),
                        RecoveryCode.used_at.is_(None),
                    )
                    .values(used_at=now)
                )
            )
            if used:
                audit(AuditKind.recovery_code_used, f"{user.email} used a recovery code", actor=user, now=now)
            if used and signing_in:
                audit(AuditKind.sign_in, f"{user.email} signed in (recovery code)", actor=user, now=now)
        return bool(used)
    step = accepted_step(user.totp_secret, code, now, user.totp_last_step)
    if step is None:
        return False
    with transaction():
        # Conditional, so the same code sent twice at once is accepted once.
        taken = rows_matched(
            db.session.execute(
                update(User)
                .where(
                    User.id == user.id,
                    or_(User.totp_last_step.is_(None), User.totp_last_step < step),
                )
                .values(totp_last_step=step)
                .execution_options(synchronize_session=False)
            )
        )
        if taken and signing_in:
            audit(AuditKind.sign_in, f"{user.email} signed in (two-step)", actor=user, now=now)
    db.session.expire(user, ["totp_last_step"])
    return bool(taken)


def unused_recovery_codes(user: User) -> int:
    """How many recovery codes the person has left."""
    query = select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    return db.session.scalar(query) or 0


def disable_two_factor(user: User, password: str, code: str, *, now: datetime | None = None) -> None:
    """Turning it off takes the password and a current code (or a recovery code)."""
    now = now or utcnow()
    if not user.two_factor_on:
        raise InvalidInput("Two-step sign-in is off already.", field="code")
    if not verify_password(user.password_hash, password or ""):
        raise InvalidInput("That is not your password.", field="password")
    check_second_step(user, code, now=now, signing_in=False)
    with transaction():
        _clear(user)
        audit(AuditKind.two_factor_disabled, f"{user.email} turned off two-step sign-in", actor=user, now=now)


def reset_two_factor(actor: User, user_id: int, *, now: datetime | None = None) -> User:
    """An admin turns it off for someone who lost their app and codes; their sessions end."""
    now = now or utcnow()
    require_admin(actor)
    user = find_row(User, user_id)
    if user is None:
        raise InvalidInput("No such user.", field="user")
    if not user.two_factor_on and user.totp_secret is None:
        raise InvalidInput(f"{user.name} has no two-step sign-in to reset.", field="user")
    with transaction():
        _clear(user)
        bump_generation(user)
        audit(
            AuditKind.two_factor_reset,
            f"{actor.name} reset two-step sign-in of {user.email}",
            actor=actor,
            email=user.email,
            now=now,
        )
    return user


def _clear(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
