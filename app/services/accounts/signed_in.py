"""Who is calling, read at the start of every request: the signed-in user (by the session's
identity) or an API token's owner, each with their customer profile and its organization, in
one prepared statement whose row becomes the session's objects without the ORM's loading.

Read afresh at every request, never kept between them: a deactivation, a role change or a
password change (which raises the session generation) is seen by the very next request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, bindparam, inspect, select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.base import instance_state

from app.extensions import db
from app.models import ApiToken, Customer, Organization, User
from app.services.common.prepared import PreparedStatement


def _columns(model: type[Any]) -> tuple[tuple[str, ColumnElement[Any]], ...]:
    return tuple((attribute.key, attribute.columns[0]) for attribute in inspect(model).column_attrs)


Model = TypeVar("Model")
_USER = _columns(User)
_CUSTOMER = _columns(Customer)
_ORGANIZATION = _columns(Organization)
_TOKEN = _columns(ApiToken)


def _with_profile(query: Select[Any]) -> Select[Any]:
    """The user's columns, then their customer profile's and its organization's (all None
    where there is none)."""
    return (
        query.add_columns(*(column for _key, column in _USER))
        .add_columns(*(column for _key, column in _CUSTOMER))
        .add_columns(*(column for _key, column in _ORGANIZATION))
        .outerjoin(Customer, Customer.user_id == User.id)
        .outerjoin(Organization, Organization.id == Customer.organization_id)
    )


_USER_READ = PreparedStatement(
    _with_profile(select().select_from(User)).where(User.id == bindparam("user_id"))
)
_TOKEN_READ = PreparedStatement(
    _with_profile(select(*(column for _key, column in _TOKEN)).join(User, User.id == ApiToken.user_id)).where(
        ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None)
    )
)


def _values(keys: tuple[tuple[str, Any], ...], row: Sequence[Any], start: int) -> dict[str, Any]:
    return {key: value for (key, _column), value in zip(keys, row[start : start + len(keys)], strict=True)}


def _current(model: type[Model], values: dict[str, Any]) -> Model:
    """The session's object for the row, made from the values; or the one the session holds
    already, given the values just read (unless it has changes of its own not yet written)."""
    mapper = inspect(model)
    key = mapper.identity_key_from_primary_key([values[column.key] for column in mapper.primary_key])
    session = db.session()
    known = session.identity_map.get(key)
    if known is None:
        # As the ORM's loader makes an object for a row it read (`loading._instance`): its
        # values set without events, its identity and session given, no cascade walked. A third
        # of `adopt`'s cost, which is paid for every object at every request here.
        instance: Model = mapper.class_manager.new_instance()
        instance.__dict__.update(values)
        state = instance_state(instance)
        state.key = key
        state.identity_token = None
        state.session_id = session.hash_key
        session.identity_map._add_unpresent(state, key)
        return instance
    if not inspect(known).modified:
        for name, value in values.items():
            if name not in known.__dict__ or known.__dict__[name] != value:
                set_committed_value(known, name, value)
    return known


def _adopt_user(row: Sequence[Any], start: int) -> User:
    """The user whose columns start at `start`, with their customer profile and organization
    set as loaded (no later read for them)."""
    user = _current(User, _values(_USER, row, start))
    start += len(_USER)
    customer_values = _values(_CUSTOMER, row, start)
    customer = None
    if customer_values["id"] is not None:
        customer = _current(Customer, customer_values)
        organization_values = _values(_ORGANIZATION, row, start + len(_CUSTOMER))
        organization = None
        if organization_values["id"] is not None:
            organization = _current(Organization, organization_values)
        set_committed_value(customer, "organization", organization)
        set_committed_value(customer, "user", user)
    set_committed_value(user, "customer", customer)
    return user


def signed_in_user(user_id: int, generation: int) -> User | None:
    """The active user a session names, if the session is of their current generation (a
    "sign out everywhere", a password change or reset ends older ones)."""
    rows = _USER_READ.rows({"user_id": user_id})
    if not rows:
        return None
    row = rows[0]
    values = _values(_USER, row, 0)
    if not values["active"] or values["session_generation"] != generation:
        return None
    return _adopt_user(row, 0)


def token_by_digest(digest: str) -> ApiToken | None:
    """The unrevoked API token with this digest, its owner (active or not) and the owner's
    customer profile and organization."""
    rows = _TOKEN_READ.rows({"digest": digest})
    if not rows:
        return None
    row = rows[0]
    token = _current(ApiToken, _values(_TOKEN, row, 0))
    set_committed_value(token, "user", _adopt_user(row, len(_TOKEN)))
    return token
