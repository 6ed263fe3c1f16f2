"""Small helpers shared by the blueprints' forms."""

from __future__ import annotations

from app.domain.ids import is_digits


def optional_int(value: object) -> int | None:
    """'' means none; anything else must be a whole number (else the field shows an error)."""
    if value in (None, "", "None"):
        return None
    text = str(value).strip()
    if not is_digits(text.removeprefix("-")):  # `int` also reads other scripts' digits: '٣' would be 3
        raise ValueError(f"'{text}' is not a whole number")
    return int(text)
