"""What a row id can be: ids are PostgreSQL `integer` columns, so a larger number from a URL or a
form is bad input to answer with "not found", never a database error."""

from __future__ import annotations

ROW_ID_MAX = 2**31 - 1


def is_row_id(value: int | None) -> bool:
    """Whether a number from a URL or form can be a row id at all."""
    return value is not None and 0 < value <= ROW_ID_MAX


def is_digits(text: str) -> bool:
    """Only the ASCII digits 0-9: `str.isdigit` also accepts '²' and other digits `int` refuses."""
    return text.isascii() and text.isdigit()


def parse_row_id(text: object) -> int | None:
    """The row id written in `text`, or None when it is not one."""
    digits = str(text if text is not None else "").strip()
    if not is_digits(digits) or len(digits) > 10:
        return None
    number = int(digits)
    return number if is_row_id(number) else None


def row_ids(text: str | None, limit: int = 10) -> list[int]:
    """The row ids in a comma-separated list from a form or URL (what is not one is skipped)."""
    return [i for i in map(parse_row_id, (text or "").split(",")) if i is not None][:limit]
