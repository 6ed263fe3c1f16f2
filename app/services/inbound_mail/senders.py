"""Who wrote a mail: an agent, a known contact, or a new customer created unverified."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import literal, select
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import Customer, User
from app.services.accounts.contacts import linked_customer


@dataclass(frozen=True, slots=True)
class Sender:
    """The accounts behind a mail's address (lower case): the user with it and the customer
    record with it, each None when there is none."""

    address: str
    user: User | None
    customer: Customer | None

    @property
    def agent(self) -> User | None:
        """The active agent or admin with this address; their mail acts as them."""
        user = self.user
        return user if user is not None and user.is_staff and user.active else None


def sender_by_address(address: str) -> Sender:
    """The user and the customer record with this address, read in one statement."""
    wanted = select(literal(address).label("email")).subquery()
    row = db.session.execute(
        select(User, Customer)
        .select_from(wanted)
        .outerjoin(User, User.email == wanted.c.email)
        .outerjoin(Customer, Customer.email == wanted.c.email)
        .limit(1)
    ).one()
    user, customer = row[0], row[1]
    if user is not None and customer is not None and customer.user_id == user.id:
        # Each is the other's: no lazy load when the reply checks who may see the ticket.
        set_committed_value(user, "customer", customer)
        set_committed_value(customer, "user", user)
    return Sender(address, user, customer)


def customer_user(name: str, now: datetime, sender: Sender) -> User:
    """The portal user behind a mail's sender, created unverified (no usable password) for an
    unknown address or a contact who never signed in; they may choose a password by reset."""
    customer, user = sender.customer, sender.user
    if customer is not None and user is not None and customer.user_id == user.id:
        return user
    return linked_customer(
        sender.address,
        name,
        now,
        story=f"{sender.address} wrote in by mail and became a customer",
        user=user,
        customer=customer,
    )
