"""Who wrote a mail: an agent, a known contact, or a new customer created unverified."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import User
from app.services.accounts.contacts import unverified_customer


@dataclass(frozen=True, slots=True)
class Sender:
    """The account behind a mail's address (lower case), read in one statement: the active
    agent or admin whose mail acts as them, or the customer's portal user (with its customer
    record loaded) whose customer record has this address."""

    agent: User | None
    customer_user: User | None
    # Whether any user has this address (an inactive agent, say, or a login of another customer).
    has_user: bool = True


def sender_by_address(address: str) -> Sender:
    """The sender's account: the user with this address and their customer record together."""
    user = db.session.scalars(
        select(User).where(User.email == address).options(joinedload(User.customer))
    ).first()
    if user is None:
        return Sender(None, None, has_user=False)
    if user.is_staff:
        return Sender(user if user.active else None, None)
    customer = user.customer
    return Sender(None, user if customer is not None and customer.email == address else None)


def customer_user(address: str, name: str, now: datetime, known: Sender | None = None) -> User:
    """The portal user behind a mail's sender, created unverified (no usable password) for an
    unknown address or a contact who never signed in; they may choose a password by reset.
    `known` is the sender as read already: a customer with a login needs no other statement."""
    if known is not None and known.customer_user is not None:
        return known.customer_user
    return unverified_customer(
        address,
        name,
        now,
        story=f"{address} wrote in by mail and became a customer",
        no_user=known is not None and not known.has_user,
    )
