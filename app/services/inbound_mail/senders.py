"""Who wrote a mail: an agent, a known contact, or a new customer created unverified."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, bindparam, func, null, select
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import Customer, Message, User
from app.services.accounts.contacts import linked_customer
from app.services.common.setup_cache import note_versions, versions_column
from app.services.inbound_mail.inbound_store import history_columns


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


@dataclass(frozen=True, slots=True)
class SenderHistory:
    """What earlier mail says about this one: whether its Message-ID was already used (a
    re-delivery) and how many mails its sender sent within the rate limit's window."""

    seen: bool
    recent: int
    # The id the reply's message takes, read under the write lock when the mail answers a thread.
    next_message_id: int | None = None


@functools.cache
def _sender_statement(
    dialect: str, reply: bool
) -> Select[User, Customer, int | None, str | None, int, int | None]:
    """Built once per process: the user and customer with an address, the mail's history, the
    setup versions (so the rules a reply fires need no statement of their own to check) and,
    for a mail that answers a thread, the id its message will take (SQLite: the next one under
    the write lock the mail's transaction holds; PostgreSQL: from the sequence)."""
    wanted = select(bindparam("address", type_=String).label("email")).subquery()
    seen, recent = history_columns()
    next_id: ColumnElement[Any] = null()
    if reply and dialect == "postgresql":
        next_id = func.nextval(func.pg_get_serial_sequence("messages", "id"))
    elif reply:
        next_id = select(func.coalesce(func.max(Message.id), 0) + 1).scalar_subquery()
    return (
        select(User, Customer, seen, versions_column(), recent, next_id)
        .select_from(wanted)
        .outerjoin(User, User.email == wanted.c.email)
        .outerjoin(Customer, Customer.email == wanted.c.email)
        .limit(1)
    )


def sender_by_address(
    address: str, message_id: str | None, since: datetime, *, reply: bool = False
) -> tuple[Sender, SenderHistory]:
    """The user and the customer record with this address and the history of the mail (see
    `inbound_store.history_columns`), read in one statement with the setup versions; with
    `reply`, the id for the reply's message too. Called inside the mail's transaction."""
    statement = _sender_statement(db.session.connection().dialect.name, reply)
    row = db.session.execute(statement, {"address": address, "message_id": message_id, "since": since}).one()
    note_versions(row[3])
    user, customer = row[0], row[1]
    if user is not None and customer is not None and customer.user_id == user.id:
        # Each is the other's: no lazy load when the reply checks who may see the ticket.
        set_committed_value(user, "customer", customer)
        set_committed_value(customer, "user", user)
    return Sender(address, user, customer), SenderHistory(row[2] is not None, row[4] or 0, row[5])


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
