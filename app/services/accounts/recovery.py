"""Verifying a customer's email address and resetting a forgotten password.

The emails go to the notification outbox (the mail channel delivers them); the caller passes a
function that turns a token into an absolute link, so services build no URLs themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.domain.audit import AuditKind
from app.domain.errors import InvalidInput
from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import Notification, User
from app.models.types import utcnow
from app.services.accounts.accounts import normalize_email, user_by_email
from app.services.accounts.passwords import check_new_password, hash_password
from app.services.accounts.sessions import bump_generation
from app.services.accounts.tokens import consume_token, issue_token
from app.services.audit.record import audit
from app.services.common.history import record
from app.services.common.transaction import transaction

LinkFor = Callable[[str], str]


def _mail(user: User, subject: str, body: str, now: datetime, *, kind: str, link: str) -> None:
    db.session.add(
        Notification(
            recipient_kind="user",
            recipient_user_id=user.id,
            recipient_email=user.email,
            subject=subject,
            body=body,
            kind=kind,
            template=kind,
            data={"name": user.name, "link": link},
            created_at=now,
        )
    )


def send_verification(user: User, link_for: LinkFor, *, now: datetime | None = None) -> None:
    now = now or utcnow()
    with transaction():
        raw = issue_token(user, "verify_email", now)
        link = link_for(raw)
        _mail(
            user,
            "Confirm your email address for Tierdesk",
            f"Hello {user.name},\n\nconfirm your address by opening this link within 48 hours:"
            f"\n{link}\n\nIf you did not sign up, ignore this message.",
            now,
            kind="verify",
            link=link,
        )


def verify_email(raw: str, *, now: datetime | None = None) -> User:
    now = now or utcnow()
    with transaction():
        user = consume_token(raw, "verify_email", now)
        user.email_verified_at = user.email_verified_at or now
        record(
            ActivityKind.email_verified,
            f"{user.email} confirmed their email address",
            now=now,
            actor=user,
            customer_id=user.customer.id if user.customer else None,
        )
    return user


def request_password_reset(email: str, link_for: LinkFor, *, now: datetime | None = None) -> None:
    """Queue a reset link when the address belongs to an active account; say nothing either way."""
    now = now or utcnow()
    try:
        user = user_by_email(normalize_email(email))
    except InvalidInput:  # an unusable address gets the same answer as an unknown one
        return
    audit(
        AuditKind.password_reset_requested,
        "A reset link was asked for" + ("" if user is not None and user.active else " (no active account)"),
        email=email,
        now=now,
    )
    if user is None or not user.active:
        return
    mail_reset_link(user, link_for, now)


def mail_reset_link(user: User, link_for: LinkFor, now: datetime) -> None:
    """Queue a mail with a one-hour link to choose a new password."""
    with transaction():
        raw = issue_token(user, "reset_password", now)
        link = link_for(raw)
        _mail(
            user,
            "Reset your Tierdesk password",
            f"Hello {user.name},\n\nchoose a new password within an hour with this link:\n"
            f"{link}\n\nIf you did not ask for it, ignore this message; your "
            "password stays as it is.",
            now,
            kind="reset",
            link=link,
        )


def reset_password(raw: str, password: str, *, now: datetime | None = None) -> User:
    now = now or utcnow()
    check_new_password(password)
    with transaction():
        user = consume_token(raw, "reset_password", now)
        # checked again once the account is known: its own address and name are refused too
        password = check_new_password(password, email=user.email, name=user.name)
        user.password_hash = hash_password(password)
        user.failed_logins, user.locked_until = 0, None
        # Whoever knew the old password may hold a session: it ends with the reset.
        bump_generation(user)
        audit(
            AuditKind.password_reset,
            f"{user.email} chose a new password with a reset link",
            actor=user,
            now=now,
        )
        record(
            ActivityKind.password_reset,
            f"{user.email} chose a new password",
            now=now,
            actor=user,
            customer_id=user.customer.id if user.customer else None,
        )
    return user
