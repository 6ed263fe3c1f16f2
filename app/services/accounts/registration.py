"""Customers signing up for the portal, without telling anyone which addresses have accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.domain.audit import AuditKind
from app.domain.errors import InvalidInput
from app.domain.vocabulary import ActivityKind, Role
from app.extensions import db
from app.models import Customer, Notification, User
from app.models.types import utcnow
from app.services.accounts.accounts import normalize_email, user_by_email
from app.services.accounts.passwords import check_new_password, hash_password
from app.services.audit.record import audit
from app.services.common.history import record
from app.services.common.transaction import transaction


def register_customer(
    name: str, email: str, password: str, *, sign_in_link: str, now: datetime | None = None
) -> User | None:
    """A customer signs up for the portal and gets a new contact. An address known already gets
    a mail instead and the caller shows the same answer, so registering tells nobody whether an
    address has an account (None then)."""
    now = now or utcnow()
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise InvalidInput("Give your name (at most 120 characters).", field="name")
    email = normalize_email(email)
    password = check_new_password(password, email=email, name=name)
    # Hashed either way, so a known address costs the same time as a new one.
    password_hash = hash_password(password)
    if user_by_email(email) is not None or _contact_by_email(email) is not None:
        _tell_known_address(email, sign_in_link, now)
        audit(
            AuditKind.registration_known_address,
            "Someone registered with a known address; its owner was told by mail",
            email=email,
            now=now,
        )
        return None
    with transaction():
        user = User(email=email, name=name, password_hash=password_hash, role=Role.customer, created_at=now)
        db.session.add(user)
        db.session.flush()
        customer = Customer(name=name, email=email, user_id=user.id, created_at=now)
        db.session.add(customer)
        db.session.flush()
        record(
            ActivityKind.customer_registered,
            f"{name} registered for the portal",
            now=now,
            actor=user,
            customer_id=customer.id,
        )
    return user


def _contact_by_email(email: str) -> Customer | None:
    return db.session.scalars(select(Customer).where(Customer.email == email.lower())).first()


def _tell_known_address(email: str, sign_in_link: str, now: datetime) -> None:
    """Someone registered with an address we know: its owner hears about it by mail."""
    user = user_by_email(email)
    if user is not None:
        advice = (
            f"If it was you, you have an account already: sign in at\n{sign_in_link}\n"
            "or use 'Forgot your password?' there."
        )
    else:
        # A contact support created: linking needs proof that the address is theirs.
        advice = "If it was you, ask support to invite you to the portal with this address."
    with transaction():
        db.session.add(
            Notification(
                recipient_kind="user" if user is not None else "contact",
                recipient_user_id=user.id if user is not None else None,
                recipient_email=email,
                subject="Someone tried to register with your address at Tierdesk",
                body=f"Hello,\n\nsomeone tried to create a Tierdesk account with this email address.\n"
                f"{advice}\n\nIf it was not you, ignore this message; nothing was changed.",
                created_at=now,
            )
        )
