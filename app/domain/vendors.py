"""Tier-4 hand-offs: which vendor holds a ticket, the vendor's reference and due time, and
whether waiting on the vendor stops the customer-facing clock.

The vendor's due time is the vendor's own promise, counted from the hand-off in whole hours: in
the vendor team's business calendar when it has one (a vendor that works office hours promises
office hours), round the clock otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.business_time import add_business_minutes
from app.domain.calendar_rules import BusinessCalendar
from app.domain.errors import InvalidInput
from app.domain.tiers import MAX_TIER

VENDOR_REFERENCE_MAX_LENGTH = 120
MAX_VENDOR_TARGET_HOURS = 366 * 24
MAX_DUE_AHEAD = timedelta(days=366)
VENDOR_PAUSE = "vendor"  # the reason recorded on a pause while the vendor holds the ticket


@dataclass(frozen=True, slots=True)
class Vendor:
    """An external team as a vendor, with the defaults a hand-off to it starts from."""

    id: int
    name: str
    is_external: bool
    target_hours: int | None = None
    pauses_clock: bool = False
    calendar: BusinessCalendar | None = None  # its working hours, when the team has them


@dataclass(frozen=True, slots=True)
class VendorTerms:
    """What a tier-4 ticket carries about the vendor holding it."""

    vendor_id: int
    vendor_name: str
    reference: str | None
    due_at: datetime
    pauses_clock: bool


@dataclass(frozen=True, slots=True)
class VendorChange:
    """One changed vendor detail, in words for the history."""

    field: str
    before: str
    after: str


def clock_pause_reason(status: str, tier: int, vendor_holds: bool, vendor_pauses_clock: bool) -> str | None:
    """Why a ticket's clocks stand still: it waits on the customer or a third party (its
    status), or on the vendor holding it at tier 4 when the hand-off says that pauses the clock."""
    if status in ("pending", "on_hold"):
        return status
    if tier == MAX_TIER and vendor_holds and vendor_pauses_clock and status not in ("solved", "closed"):
        return VENDOR_PAUSE
    return None


def due_from_target(now: datetime, hours: int, calendar: BusinessCalendar | None = None) -> datetime:
    """The vendor's due time for a target of `hours` (business hours of its calendar, if any),
    to the minute (what a form can show)."""
    due = (
        now + timedelta(hours=hours) if calendar is None else add_business_minutes(calendar, now, hours * 60)
    )
    return due.replace(second=0, microsecond=0)


def is_vendor_overdue(due_at: datetime | None, now: datetime) -> bool:
    return due_at is not None and due_at <= now


def check_target_hours(hours: int | None, is_external: bool) -> None:
    """A vendor's default target is whole hours within a year, and only vendors have one."""
    if hours is None:
        return
    if not is_external:
        raise InvalidInput("Only an external vendor team has a vendor target.", field="vendor_target_hours")
    if not 1 <= hours <= MAX_VENDOR_TARGET_HOURS:
        raise InvalidInput(
            f"The vendor's target is between 1 and {MAX_VENDOR_TARGET_HOURS} hours.",
            field="vendor_target_hours",
        )


def plan_handoff(
    vendor: Vendor | None,
    reference: str | None,
    due_at: datetime | None,
    pauses_clock: bool | None,
    now: datetime,
) -> VendorTerms:
    """Check a hand-off to a vendor. Without a due time the vendor's own target gives it; without
    a pause choice the vendor's default applies. The reference may follow later."""
    vendor = _check_vendor(vendor)
    if due_at is None:
        if vendor.target_hours is None:
            raise InvalidInput(
                f"{vendor.name} has no default target: give the vendor's due time.",
                field="vendor_due_at",
            )
        due_at = due_from_target(now, vendor.target_hours, vendor.calendar)
    else:
        _check_due(due_at, now)
    pauses = vendor.pauses_clock if pauses_clock is None else pauses_clock
    return VendorTerms(vendor.id, vendor.name, _clean_reference(reference), due_at, pauses)


def plan_vendor_edit(
    current: VendorTerms,
    vendor: Vendor | None,
    reference: str | None,
    due_at: datetime | None,
    pauses_clock: bool,
    now: datetime,
) -> tuple[VendorTerms, list[VendorChange]]:
    """Check new vendor details for a ticket the vendor holds and say what changed. A due time
    left as it was may already have passed; a new one must lie ahead."""
    vendor = _check_vendor(vendor)
    if due_at is None:
        raise InvalidInput("Give the vendor's due time.", field="vendor_due_at")
    if _minute(due_at) == _minute(current.due_at):
        due_at = current.due_at
    else:
        _check_due(due_at, now)
    new = VendorTerms(vendor.id, vendor.name, _clean_reference(reference), due_at, pauses_clock)
    changes = [
        VendorChange(name, _words(getattr(current, attr)), _words(getattr(new, attr)))
        for name, attr in (
            ("vendor", "vendor_name"),
            ("reference", "reference"),
            ("due", "due_at"),
            ("pauses the customer clock", "pauses_clock"),
        )
        if getattr(current, attr) != getattr(new, attr)
    ]
    if not changes:
        raise InvalidInput("Nothing to change: these are the current vendor details.")
    return new, changes


def _check_vendor(vendor: Vendor | None) -> Vendor:
    if vendor is None:
        raise InvalidInput(
            "Moving to tier 4 hands the ticket to a vendor: choose the external vendor team.",
            field="vendor",
        )
    if not vendor.is_external:
        raise InvalidInput(
            f"{vendor.name} is not an external vendor team; tier 4 is held by a vendor.",
            field="vendor",
        )
    return vendor


def _clean_reference(reference: str | None) -> str | None:
    cleaned = " ".join((reference or "").split())
    if len(cleaned) > VENDOR_REFERENCE_MAX_LENGTH:
        raise InvalidInput(
            f"The vendor reference is too long (at most {VENDOR_REFERENCE_MAX_LENGTH} characters).",
            field="vendor_reference",
        )
    return cleaned or None


def _check_due(due_at: datetime, now: datetime) -> None:
    if due_at.tzinfo is None:
        raise InvalidInput("The vendor's due time needs a timezone.", field="vendor_due_at")
    if due_at <= now:
        raise InvalidInput("The vendor's due time is in the past; give a time ahead.", field="vendor_due_at")
    if due_at > now + MAX_DUE_AHEAD:
        raise InvalidInput("The vendor's due time is more than a year ahead.", field="vendor_due_at")


def _minute(instant: datetime) -> datetime:
    return instant.replace(second=0, microsecond=0)


def _words(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M} UTC"
    return str(value)
