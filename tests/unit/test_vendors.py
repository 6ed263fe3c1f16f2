from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.errors import InvalidInput
from app.domain.vendors import (
    Vendor,
    VendorTerms,
    check_target_hours,
    due_from_target,
    is_vendor_overdue,
    plan_handoff,
    plan_vendor_edit,
)

NOW = datetime(2026, 3, 2, 10, 0, 30, tzinfo=UTC)
CLOUDCO = Vendor(7, "CloudCo", True, target_hours=24, pauses_clock=True)


def test_a_handoff_takes_the_vendors_target_and_pause_default():
    terms = plan_handoff(CLOUDCO, "  CC-42 ", None, None, NOW)
    assert terms == VendorTerms(7, "CloudCo", "CC-42", datetime(2026, 3, 3, 10, 0, tzinfo=UTC), True)


def test_a_handoff_may_override_the_due_time_and_the_pause_and_leave_the_reference_for_later():
    due = NOW + timedelta(hours=4)
    terms = plan_handoff(CLOUDCO, "  ", due, False, NOW)
    assert (terms.reference, terms.due_at, terms.pauses_clock) == (None, due, False)


@pytest.mark.parametrize(
    ("vendor", "reference", "due_at", "field"),
    [
        (None, "CC-1", None, "vendor"),
        (Vendor(2, "Frontline", False), "CC-1", None, "vendor"),
        (CLOUDCO, "x" * 121, None, "vendor_reference"),
        (Vendor(3, "NoTarget", True), "CC-1", None, "vendor_due_at"),
        (CLOUDCO, "CC-1", NOW - timedelta(minutes=1), "vendor_due_at"),
        (CLOUDCO, "CC-1", NOW, "vendor_due_at"),
        (CLOUDCO, "CC-1", NOW + timedelta(days=400), "vendor_due_at"),
        (CLOUDCO, "CC-1", datetime(2026, 3, 5, 10, 0), "vendor_due_at"),  # noqa: DTZ001 - no timezone
    ],
)
def test_a_bad_handoff_names_the_field_to_fix(vendor, reference, due_at, field):
    with pytest.raises(InvalidInput) as error:
        plan_handoff(vendor, reference, due_at, None, NOW)
    assert error.value.field == field


def test_an_edit_lists_each_change_and_keeps_a_passed_due_time_it_did_not_touch():
    passed = NOW - timedelta(hours=2)
    current = VendorTerms(7, "CloudCo", None, passed, True)
    # The form shows the due time to the minute; sending it back unchanged is no change.
    new, changes = plan_vendor_edit(current, CLOUDCO, "CC-9", passed.replace(second=0), True, NOW)
    assert new.due_at == passed
    assert [(c.field, c.before, c.after) for c in changes] == [("reference", "none", "CC-9")]


def test_an_edit_of_the_due_time_and_the_pause_reads_as_words():
    current = VendorTerms(7, "CloudCo", "CC-9", NOW + timedelta(hours=1), True)
    later = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
    _, changes = plan_vendor_edit(current, CLOUDCO, "CC-9", later, False, NOW)
    assert [(c.field, c.after) for c in changes] == [
        ("due", "2026-03-04 17:00 UTC"),
        ("pauses the customer clock", "no"),
    ]


@pytest.mark.parametrize(
    ("due_at", "message"),
    [(None, "Give the vendor's due time"), (NOW - timedelta(hours=3), "in the past")],
)
def test_an_edit_refuses_a_missing_or_new_past_due_time(due_at, message):
    current = VendorTerms(7, "CloudCo", "CC-9", NOW + timedelta(hours=1), True)
    with pytest.raises(InvalidInput, match=message) as error:
        plan_vendor_edit(current, CLOUDCO, "CC-9", due_at, True, NOW)
    assert error.value.field == "vendor_due_at"


def test_an_edit_that_changes_nothing_says_so():
    current = VendorTerms(7, "CloudCo", "CC-9", NOW + timedelta(hours=1), True)
    with pytest.raises(InvalidInput, match="Nothing to change"):
        plan_vendor_edit(current, CLOUDCO, " CC-9 ", current.due_at, True, NOW)


def test_overdue_from_the_due_minute_on():
    due = due_from_target(NOW, 1)
    assert due == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert not is_vendor_overdue(due, due - timedelta(seconds=1))
    assert is_vendor_overdue(due, due)
    assert not is_vendor_overdue(None, NOW)


@pytest.mark.parametrize(("hours", "external"), [(0, True), (366 * 24 + 1, True), (8, False)])
def test_a_vendor_target_is_whole_hours_within_a_year_and_only_for_vendors(hours, external):
    with pytest.raises(InvalidInput):
        check_target_hours(hours, external)
    check_target_hours(None, external)
    check_target_hours(24, True)
