"""IANA timezone names as people pick them from a list."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from app.domain.errors import InvalidInput


def known_zone(name: str | None) -> ZoneInfo | None:
    """The zone of that name, None for no name or one no longer known."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def picked_zone_name(name: str | None, field: str = "timezone") -> str:
    """A zone name from a form, stripped ('' for none); refused unless it is on the list."""
    name = (name or "").strip()
    if name and name not in available_timezones():
        raise InvalidInput(
            f"'{name[:64]}' is not a timezone; choose one from the list, like Europe/Berlin.", field
        )
    return name
