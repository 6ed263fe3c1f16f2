"""Customers who never registered: someone who wrote in by mail or phoned the desk gets a
customer record and a portal login without a usable password (they choose one by reset)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from app.domain.vocabulary import ActivityKind, Role
from app.extensions import db
from app.models import Customer, User
from app.services.common.adopted import adopt
from app.services.common.history import record
from app.services.common.prepared import PreparedStatement
from app.services.common.transaction import transaction

# No password matches this hash: the customer chooses one through "forgot password" (a reset
# link proves the address is theirs), and no time goes into hashing a password nobody knows.
NO_PASSWORD = "!mail-only"


def customer_by_address(address: str) -> Customer | None:
    """The customer record with this address (lower case), whether or not they have a login."""
    return db.session.scalars(select(Customer).where(Customer.email == address)).first()


def unverified_customer(
    address: str, name: str, now: datetime, *, story: str, actor: User | None = None
) -> User:
    """The portal user behind an address (lower case), created unverified with no usable
    password for an unknown address or a contact who never signed in. `story` is the history
    line written when the customer record is new."""
    customer = customer_by_address(address)
    if customer is not None and customer.user is not None:
        return customer.user
    with transaction():
        user = db.session.scalars(select(User).where(User.email == address)).first()
        return linked_customer(address, name, now, story=story, actor=actor, user=user, customer=customer)


def linked_customer(
    address: str,
    name: str,
    now: datetime,
    *,
    story: str,
    user: User | None,
    customer: Customer | None,
    actor: User | None = None,
) -> User:
    """unverified_customer for a caller whose transaction already read the user and the customer
    record with this address (either may be None): the missing ones are created and linked."""
    if customer is not None and customer.user is not None:
        return customer.user
    with transaction():
        if user is None and customer is None:
            return _new_customer(address, name, now, story=story, actor=actor)
        if user is None:
            user = User(
                email=address,
                name=(name or (customer.name if customer else "") or address.split("@")[0])[:120],
                role=Role.customer,
                password_hash=NO_PASSWORD,
                created_at=now,
            )
            db.session.add(user)
        if customer is None:
            # The user and the customer go in with one flush (the customer's history needs its id).
            customer = Customer(name=user.name, email=address, user=user, created_at=now)
            db.session.add(customer)
            db.session.flush()
            record(ActivityKind.customer_registered, story, now=now, actor=actor, customer_id=customer.id)
        else:
            customer.user = user
            db.session.flush()
    return user


def _full_row(table: Table, given: dict[str, Any]) -> dict[str, Any]:
    """Every column of a new row but its id: the given values, else the column's plain default
    (None when it has none), as the ORM would insert them."""
    row: dict[str, Any] = {}
    for column in table.columns:
        if column.primary_key:
            continue
        if column.key in given:
            row[column.key] = given[column.key]
        else:
            default = column.default
            row[column.key] = default.arg if isinstance(default, ScalarElementColumnDefault) else None
    return row


_INSERT_USER = PreparedStatement(
    insert(User.__table__)
    .values(
        {column.key: bindparam(column.key) for column in User.__table__.columns if not column.primary_key}
    )
    .returning(User.__table__.c.id)
)
_INSERT_CUSTOMER = PreparedStatement(
    insert(Customer.__table__)
    .values(
        {column.key: bindparam(column.key) for column in Customer.__table__.columns if not column.primary_key}
    )
    .returning(Customer.__table__.c.id)
)


def _new_customer(address: str, name: str, now: datetime, *, story: str, actor: User | None) -> User:
    """An unknown address's login and customer record, written as two plain INSERTs (statements
    compiled once per process) instead of a flush of two new objects, then taken into the
    session as if loaded, linked both ways; the history line goes with the caller's next flush."""
    name = (name or address.split("@")[0])[:120]
    user_row = _full_row(
        User.__table__,
        {
            "email": address,
            "name": name,
            "role": Role.customer,
            "password_hash": NO_PASSWORD,
            "created_at": now,
        },
    )
    (user_id,) = _INSERT_USER.one(user_row)
    customer_row = _full_row(
        Customer.__table__, {"name": name, "email": address, "user_id": user_id, "created_at": now}
    )
    (customer_id,) = _INSERT_CUSTOMER.one(customer_row)
    user = adopt(User, {**user_row, "id": user_id})
    customer = adopt(Customer, {**customer_row, "id": customer_id})
    set_committed_value(user, "customer", customer)
    set_committed_value(customer, "user", user)
    set_committed_value(customer, "organization", None)
    record(ActivityKind.customer_registered, story, now=now, actor=actor, customer_id=customer_id)
    return user
