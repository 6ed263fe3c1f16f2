"""Looking up a row by an id that came from outside (a form, a URL, a JSON body)."""

from __future__ import annotations

from typing import TypeVar

from app.domain.ids import is_row_id
from app.extensions import db

Model = TypeVar("Model")


def find_row(model: type[Model], row_id: int | None) -> Model | None:
    """The row, or None when there is none, including for a number no row id can be (a
    database would refuse it with an error rather than find nothing)."""
    return db.session.get(model, row_id) if is_row_id(row_id) else None
