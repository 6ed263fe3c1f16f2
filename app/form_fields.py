"""Small helpers shared by the blueprints' forms."""

from __future__ import annotations


def optional_int(value: object) -> int | None:
    """'' means none; anything else must be a whole number (else the field shows an error)."""
    if value in (None, "", "None"):
        return None
    return int(str(value))
