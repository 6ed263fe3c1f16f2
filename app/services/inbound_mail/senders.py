"""Who wrote a mail: an agent, a known contact, or a new customer created unverified."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services.accounts.contacts import unverified_customer


def staff_by_address(address: str) -> User | None:
    """The active agent or admin with this address (lower case); their mail acts as them."""
    user = db.session.scalars(select(User).where(User.email == address)).first()
    return user if user is not None and user.is_staff and user.active else None


def customer_user(address: str, name: str, now: datetime) -> User:
    """The portal user behind a mail's sender, created unverified (no usable password) for an
    unknown address or a contact who never signed in; they may choose a password by reset."""
    return unverified_customer(address, name, now, story=f"{address} wrote in by mail and became a customer")
