"""A service-level policy's business calendar and targets, as the domain rules take them."""

from __future__ import annotations

from weakref import WeakKeyDictionary

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


# Kept while the policy object lives (a session's identity map holds one per row).
_calendars: WeakKeyDictionary[SlaPolicy, BusinessCalendar] = WeakKeyDictionary()


def calendar_for(policy: SlaPolicy) -> BusinessCalendar:
    """The policy's calendar, built once per policy object (the sweep meets the same one often)."""
    cached = _calendars.get(policy)
    if cached is None:
        cached = calendar_of(policy.calendar)
        _calendars[policy] = cached
    return cached


def targets_of(policy: SlaPolicy) -> Targets:
    """The policy's targets; its stored dwell times are one per tier 0–4."""
    dwell = tuple(policy.dwell_minutes)
    if len(dwell) != 5:
        raise ValueError(f"SLA policy {policy.id} has {len(dwell)} dwell times instead of 5")
    return Targets(
        policy.first_response_minutes,
        policy.next_response_minutes,
        policy.resolution_minutes,
        dwell,
        policy.warn_percent,
    )
