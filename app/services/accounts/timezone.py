"""An agent's own timezone: the one desk pages show times in."""

from __future__ import annotations

from zoneinfo import ZoneInfo, available_timezones

from app.domain.zones import known_zone, picked_zone_name
from app.models import User
from app.services.common.access import require_staff
from app.services.common.transaction import transaction


def timezone_names() -> list[str]:
    """Every IANA zone name this machine knows, sorted, for the settings form."""
    return sorted(available_timezones())


def agent_zone(user: User | None) -> ZoneInfo | None:
    """The zone to show this person's desk times in; None for UTC (or a zone no longer known)."""
    return known_zone(getattr(user, "timezone", None))


def set_agent_timezone(actor: User, name: str | None) -> None:
    """Save the agent's timezone; '' or UTC means UTC."""
    require_staff(actor)
    name = picked_zone_name(name)
    with transaction():
        actor.timezone = None if name in ("", "UTC") else name
