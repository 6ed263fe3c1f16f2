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
from app.models.types import utcnow
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
    return (
        select(User, Customer, seen, versions_column(), recent, _next_message_id(dialect, reply))
        .select_from(wanted)
        .outerjoin(User, User.email == wanted.c.email)
        .outerjoin(Customer, Customer.email == wanted.c.email)
        .limit(1)
    )


def _next_message_id(dialect: str, reply: bool) -> ColumnElement[Any]:
    if reply and dialect == "postgresql":
        return func.nextval(func.pg_get_serial_sequence("messages", "id"))
    if reply:
        return select(func.coalesce(func.max(Message.id), 0) + 1).scalar_subquery()
    return null()


@functools.cache
def _recheck_statement(dialect: str, reply: bool, new_sender: bool) -> Select[Any]:
    """Built once per process: what may have changed since a mail's sender was read outside the
    write turn, read inside it: whether its Message-ID was stored meanwhile, the id its reply
    takes and, for a sender without a login or a customer record then, whether one exists now."""
    seen, _recent = history_columns()
    columns: list[ColumnElement[Any]] = [seen, _next_message_id(dialect, reply)]
    if new_sender:
        address = bindparam("address", type_=String)
        columns.append(select(User.id).where(User.email == address).scalar_subquery())
        columns.append(select(Customer.id).where(Customer.email == address).scalar_subquery())
    return select(*columns)


def recheck_sender(
    sender: Sender, message_id: str | None, *, reply: bool
) -> tuple[Sender, SenderHistory] | None:
    """Inside the mail's transaction, after `sender_by_address` read the sender outside it: None
    when the Message-ID was stored meanwhile (a re-delivery that raced this one), else the sender
    (read again when a login or customer record appeared meanwhile: another mail of the same new
    sender) and the id for the reply's message.

    A known sender's new request needs no statement: the same mail stored meanwhile meets the
    unique Message-ID of the mail's thread entry, and the mail runs again inside the turn."""
    new_sender = sender.user is None or sender.customer is None
    if not reply and not new_sender:
        return sender, SenderHistory(False, 0)
    statement = _recheck_statement(db.session.connection().dialect.name, reply, new_sender)
    row = db.session.execute(statement, {"address": sender.address, "message_id": message_id}).one()
    if row[0] is not None:
        return None
    had = (sender.user is not None, sender.customer is not None)
    if new_sender and (row[2] is not None, row[3] is not None) != had:
        since = utcnow()  # the rate was counted outside the turn; only the accounts are wanted
        return sender_by_address(sender.address, message_id, since, reply=reply)
    return sender, SenderHistory(False, 0, row[1])


def sender_by_address(
    address: str, message_id: str | None, since: datetime, *, reply: bool = False
) -> tuple[Sender, SenderHistory]:
    """The user and the customer record with this address and the history of the mail (see
    `inbound_store.history_columns`), read in one statement with the setup versions; with
    `reply`, the id for the reply's message too. Read before the mail's write turn, and again
    inside it when `recheck_sender` finds the accounts changed meanwhile."""
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
