"""Who wrote a mail: an agent, a known contact, or a new customer created unverified."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.domain.vocabulary import ActivityKind, Role
from app.extensions import db
from app.models import Customer, User
from app.services.common.history import record
from app.services.common.transaction import transaction

# No password matches this hash: the customer chooses one through "forgot password" (a reset
# link proves the address is theirs), and no time goes into hashing a password nobody knows.
NO_PASSWORD = "!mail-only"


def staff_by_address(address: str) -> User | None:
    """The active agent or admin with this address (lower case); their mail acts as them."""
    user = db.session.scalars(select(User).where(User.email == address)).first()
    return user if user is not None and user.is_staff and user.active else None


def customer_by_address(address: str) -> Customer | None:
    """The customer record with this address (lower case), whether or not they have a login."""
    return db.session.scalars(select(Customer).where(Customer.email == address)).first()


def customer_user(address: str, name: str, now: datetime) -> User:
    """The portal user behind a mail's sender, created unverified (no usable password) for an
    unknown address or a contact who never signed in; they may choose a password by reset."""
    customer = customer_by_address(address)
    if customer is not None and customer.user is not None:
        return customer.user
    with transaction():
        user = db.session.scalars(select(User).where(User.email == address)).first()
        if user is None:
            user = User(
                email=address,
                name=(name or (customer.name if customer else "") or address.split("@")[0])[:120],
                role=Role.customer,
                password_hash=NO_PASSWORD,
                created_at=now,
            )
            db.session.add(user)
            db.session.flush()
        if customer is None:
            customer = Customer(name=user.name, email=address, user_id=user.id, created_at=now)
            db.session.add(customer)
            db.session.flush()
            record(
                ActivityKind.customer_registered,
                f"{address} wrote in by mail and became a customer",
                now=now,
                customer_id=customer.id,
            )
        else:
            customer.user_id = user.id
    return user
