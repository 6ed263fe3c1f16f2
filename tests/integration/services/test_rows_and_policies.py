"""The row count of an UPDATE, and how a stored SLA policy becomes the domain's calendar and targets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import BusinessCalendar, SchedulerLease, SlaPolicy
from app.services.common.rows import rows_matched
from app.services.sla.policies import calendar_for, targets_of


def test_rows_matched_counts_the_rows_an_update_matched(now):
    db.session.add_all(
        [
            SchedulerLease(name="a", holder="x", expires_at=now),
            SchedulerLease(name="b", holder="x", expires_at=now),
            SchedulerLease(name="c", holder="y", expires_at=now),
        ]
    )
    db.session.flush()
    later = now + timedelta(minutes=1)
    statement = update(SchedulerLease).where(SchedulerLease.holder == "x").values(expires_at=later)
    assert rows_matched(db.session.execute(statement)) == 2
    nobody = update(SchedulerLease).where(SchedulerLease.holder == "z").values(expires_at=later)
    assert rows_matched(db.session.execute(nobody)) == 0


def test_rows_matched_refuses_a_result_that_counts_no_rows():
    with pytest.raises(TypeError, match="does not count rows"):
        rows_matched(db.session.execute(select(SchedulerLease)))


def _policy(name: str, dwell: list[int]) -> SlaPolicy:
    calendar = BusinessCalendar(name=f"{name} hours", timezone="UTC", always_open=True)
    return SlaPolicy(
        name=name,
        calendar=calendar,
        first_response_minutes=60,
        next_response_minutes=120,
        resolution_minutes=480,
        dwell_minutes=dwell,
        warn_percent=75,
    )


def test_a_policy_gives_its_targets_with_one_dwell_time_per_tier():
    targets = targets_of(_policy("Standard", [10, 20, 30, 40, 50]))
    assert (targets.first_response, targets.next_response, targets.resolution) == (60, 120, 480)
    assert targets.dwell == (10, 20, 30, 40, 50)
    assert targets.warn_percent == 75


def test_a_policy_without_five_dwell_times_is_refused_with_its_count():
    with pytest.raises(ValueError, match="has 4 dwell times instead of 5"):
        targets_of(_policy("Short", [10, 20, 30, 40]))


def test_a_policy_calendar_is_built_once_per_policy_object():
    first, second = _policy("First", [60] * 5), _policy("Second", [60] * 5)
    assert calendar_for(first) is calendar_for(first)
    assert calendar_for(second) is not calendar_for(first)
