"""Model objects for rows read as plain values, without a statement of their own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached

from app.extensions import db

Model = TypeVar("Model")


def adopt(model: type[Model], values: Mapping[str, Any]) -> Model:
    """The session's object for the row whose attribute values (primary key included) a plain
    read gave: the session's own when it has one, else one made from the values as if the ORM
    had loaded it. Attributes not given are read when first used."""
    mapper = inspect(model)
    key = mapper.identity_key_from_primary_key([values[column.key] for column in mapper.primary_key])
    session = db.session()
    known = session.identity_map.get(key)
    if known is not None:
        return known
    instance = mapper.class_manager.new_instance()
    instance.__dict__.update(values)  # as the ORM's loader sets them: no attribute events
    attach(instance)
    return instance


def attach(instance: object) -> None:
    """Put an object made from a row's values (primary key included) in the session as if the
    ORM had loaded it, without a statement. The objects it refers to are the session's already
    (or it refers to none), so the session's save-update cascade over its relationships, which
    `Session.add` walks, would find nothing to add."""
    make_transient_to_detached(instance)
    db.session()._update_impl(inspect(instance))


def attach_inserted(instance: object) -> None:
    """`attach` for an object whose row this transaction has just inserted as a plain row. An
    object the session still holds under the same key stood for a row of a rolled-back attempt
    (the database handed out its key again): that row is gone, and its object is put out first."""
    key = inspect(type(instance)).identity_key_from_instance(instance)
    session = db.session()
    stale = session.identity_map.get(key)
    if stale is not None:
        session.expunge(stale)
    attach(instance)


def fresh(model: type[Model], values: Mapping[str, Any]) -> Model:
    """A new object (not in the session yet) with these attribute values, set as the ORM's
    loader sets them: the model's constructor fires an attribute event per value, which an
    object built on every request (an opened ticket) pays for column by column."""
    instance = inspect(model).class_manager.new_instance()
    instance.__dict__.update(values)
    return instance


def fill(instance: object, **values: Any) -> None:
    """Set attributes of an object made by `fresh` that is not in a session yet, as `fresh`
    does: without the attribute events, which only an object the session tracks needs (a
    ticket's opening sets its team, agent and rank parts before its one INSERT)."""
    state = inspect(instance)
    assert state.transient, "only an object outside the session is filled in"
    instance.__dict__.update(values)
