"""Accounts by address: the one spelling an email address is stored and looked up in."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.errors import InvalidInput
from app.extensions import db
from app.models import User


def normalize_email(email: str | None) -> str:
    # Imported here: only sign-ups and account edits check an address, and the web app loaded
    # in gunicorn's master need not carry the validator (and idna's tables) into every worker.
    from email_validator import EmailNotValidError, validate_email

    try:
        # test_environment accepts the reserved .test domain that demo and test accounts use.
        return validate_email(
            (email or "").strip(), check_deliverability=False, test_environment=True
        ).normalized.lower()
    except EmailNotValidError:
        raise InvalidInput("Enter a valid email address.", field="email") from None


def user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == email.lower())).first()
