"""Signing in with a password, with guessing slowed down per account.

Every guess at a known account is first counted with one conditional UPDATE, before its password
is checked: parallel guesses cannot all slip past the count, so at most the free number of
wrong passwords are ever checked before the account starts to wait. While it waits, a guess is
answered like a wrong password, in the same time (one hash check either way), so the answer does
not tell whether the account exists or waits."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, or_, type_coerce, update

from app.domain.audit import AuditKind
from app.domain.errors import InvalidInput, NotAllowed
from app.domain.login import GuessPolicy, waiting_schedule
from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import User
from app.models.types import UTCDateTime, utcnow
from app.services.accounts.accounts import user_by_email
from app.services.accounts.passwords import hash_password, needs_new_hash, verify_password
from app.services.audit.record import audit
from app.services.common.history import record
from app.services.common.transaction import transaction

WRONG = "Email or password is wrong."

_dummy_hashes: dict[str, str] = {}


def guess_policy() -> GuessPolicy:
    config = current_app.config
    return GuessPolicy(
        free_failures=config["LOGIN_MAX_FAILURES"],
        first_delay=timedelta(seconds=config["LOGIN_FIRST_DELAY_SECONDS"]),
        max_delay=timedelta(seconds=config["LOGIN_MAX_DELAY_SECONDS"]),
    )


def authenticate(email: str, password: str, *, now: datetime | None = None) -> User:
    """The user for these credentials; a wrong password, an unknown address and an account that
    must wait all get the same refusal."""
    now = now or utcnow()
    password = password or ""
    typed = (email or "").strip()
    user = user_by_email(typed)
    if user is None:
        _check_nothing(password)
        audit(AuditKind.sign_in_failed, "Sign-in with an address that has no account", email=typed, now=now)
        raise InvalidInput(WRONG, field="password")
    user_id = user.id
    failures = claim_guess(user_id, now)
    if failures is None:
        _check_nothing(password)
        audit(AuditKind.sign_in_waiting, "Sign-in refused unchecked: the account waits", email=typed, now=now)
        raise InvalidInput(WRONG, field="password")
    if not verify_password(user.password_hash, password):
        with transaction():
            audit(
                AuditKind.sign_in_failed,
                f"Wrong password ({failures} in a row)",
                email=user.email,
                now=now,
                data={"failures": failures},
            )
            if failures == guess_policy().free_failures:
                record(
                    ActivityKind.login_locked,
                    f"{user.email} must wait before the next sign-in after {failures} wrong passwords",
                    now=now,
                    actor=user,
                )
        raise InvalidInput(WRONG, field="password")
    if not user.active:
        audit(AuditKind.sign_in_failed, "Right password for a deactivated account", email=user.email, now=now)
        raise NotAllowed("This account is deactivated. Ask an admin.")
    # A hash made with older parameters is replaced now, while the password is at hand.
    stored = user.password_hash
    take_back_guess(user_id, failures, now, rehash=(stored, password) if needs_new_hash(stored) else None)
    if not user.two_factor_on:  # otherwise the second step records the sign-in
        audit(AuditKind.sign_in, f"{user.email} signed in", actor=user, now=now)
    return user


def claim_guess(user_id: int, now: datetime) -> int | None:
    """Count one more guess and start its wait in one statement; None when the account still
    waits (nothing is counted then). `locked_until` holds when the next guess may come (the last
    failure's time while failures are free); failures older than the memory are forgotten."""
    memory = timedelta(seconds=current_app.config["LOGIN_FAILURE_MEMORY_SECONDS"])
    schedule = waiting_schedule(guess_policy(), now)
    forgotten = and_(User.locked_until.is_not(None), User.locked_until < now - memory)
    counted = case((forgotten, 1), else_=User.failed_logins + 1)
    next_guess = case(
        (counted < schedule[0][0], type_coerce(now, UTCDateTime())),
        *[(counted == failures, type_coerce(until, UTCDateTime())) for failures, until in schedule[:-1]],
        else_=type_coerce(schedule[-1][1], UTCDateTime()),
    )
    statement = (
        update(User)
        .where(User.id == user_id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=counted, locked_until=next_guess)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    )
    with transaction():
        return db.session.scalars(statement).first()


def take_back_guess(
    user_id: int, failures: int, now: datetime, *, rehash: tuple[str, str] | None = None
) -> None:
    """The right password takes back its own count, and its wait unless more guesses came after
    it. The wrong ones before it stay until they are forgotten, so a burst of parallel guesses
    meets its wait even if one of them was right. With `rehash` (the stored hash and the right
    password) the password is stored again with the current method, unless it changed meanwhile."""
    new_hash = hash_password(rehash[1]) if rehash is not None else None  # before the write lock
    with transaction():
        if rehash is not None:
            db.session.execute(
                update(User)
                .where(User.id == user_id, User.password_hash == rehash[0])
                .values(password_hash=new_hash)
                .execution_options(synchronize_session=False)
            )
        db.session.execute(
            update(User)
            .where(User.id == user_id, User.failed_logins > 0)
            .values(
                failed_logins=User.failed_logins - 1,
                locked_until=case(
                    (User.failed_logins == failures, type_coerce(now, UTCDateTime())),
                    else_=User.locked_until,
                ),
            )
            .execution_options(synchronize_session=False)
        )
    db.session.expire_all()


def _check_nothing(password: str) -> None:
    """A hash check with the configured method against a hash no password matches, so an unknown
    or waiting account costs the same time as a real check."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = hash_password(secrets.token_hex(16))
    verify_password(_dummy_hashes[method], password)
