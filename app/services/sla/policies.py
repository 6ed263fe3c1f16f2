"""A service-level policy's business calendar and targets, as the domain rules take them."""

from __future__ import annotations

from app.domain.calendar_rules import BusinessCalendar, calendar_from_settings, twenty_four_seven
from app.domain.sla import Targets
from app.models import BusinessCalendar as CalendarRow
from app.models import SlaPolicy


def calendar_of(row: CalendarRow | None) -> BusinessCalendar:
    """The domain calendar behind a stored one (24x7 when there is none)."""
    if row is None or row.always_open:
        return twenty_four_seven()
    return calendar_from_settings(
        timezone=row.timezone,
        weekly_hours={int(day): text for day, text in (row.weekly_hours or {}).items()},
        holidays_country=row.holidays_country,
        holidays_subdivision=row.holidays_subdivision,
        closed_dates=row.closed_dates or (),
    )


def calendar_for(policy: SlaPolicy) -> BusinessCalendar:
    """The policy's calendar, built once per policy object (the sweep meets the same one often)."""
    cached = getattr(policy, "_calendar", None)
    if cached is None:
        cached = calendar_of(policy.calendar)
        policy._calendar = cached
    return cached


def targets_of(policy: SlaPolicy) -> Targets:
    return Targets(
        policy.first_response_minutes,
        policy.next_response_minutes,
        policy.resolution_minutes,
        tuple(policy.dwell_minutes),
        policy.warn_percent,
    )
