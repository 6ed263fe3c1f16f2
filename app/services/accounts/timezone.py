"""An agent's own timezone: the one desk pages show times in."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from app.domain.errors import InvalidInput
from app.models import User
from app.services.common.access import require_staff
from app.services.common.transaction import transaction


def timezone_names() -> list[str]:
    """Every IANA zone name this machine knows, sorted, for the settings form."""
    return sorted(available_timezones())


def agent_zone(user: User | None) -> ZoneInfo | None:
    """The zone to show this person's desk times in; None for UTC (or a zone no longer known)."""
    name = getattr(user, "timezone", None)
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def set_agent_timezone(actor: User, name: str | None) -> None:
    """Save the agent's timezone; '' or UTC means UTC."""
    require_staff(actor)
    name = (name or "").strip()
    if name and name not in available_timezones():
        raise InvalidInput(
            f"'{name[:64]}' is not a timezone; choose one from the list, like Europe/Berlin.", "timezone"
        )
    with transaction():
        actor.timezone = None if name in ("", "UTC") else name
