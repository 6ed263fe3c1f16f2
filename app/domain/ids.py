"""What a row id can be: ids are PostgreSQL `integer` columns, so a larger number from a URL or a
form is bad input to answer with "not found", never a database error."""

from __future__ import annotations

ROW_ID_MAX = 2**31 - 1


def is_row_id(value: int | None) -> bool:
    """Whether a number from a URL or form can be a row id at all."""
    return value is not None and 0 < value <= ROW_ID_MAX
