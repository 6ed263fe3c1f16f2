"""The sweep's plain clock rows: what a batch writes back for a clock it read or started."""

from __future__ import annotations

from datetime import timedelta

from app.domain.sla_vocabulary import SlaTarget
from app.services.sla.clock_pass import CHANGING, COLUMNS, ClockRow


def read_row(now) -> dict:
    return {
        "id": 7,
        "ticket_id": 3,
        "target": SlaTarget.tier_dwell,
        "tier": 1,
        "minutes": 60,
        "started_at": now,
        "warn_at": now + timedelta(minutes=30),
        "due_at": now + timedelta(minutes=60),
        "satisfied_at": None,
        "warned_at": None,
        "breached_at": None,
    }


def as_read(row: dict) -> tuple:
    return tuple(row[column] for column in COLUMNS)


def test_a_clock_read_and_left_alone_has_nothing_to_write(now):
    assert ClockRow.loaded(as_read(read_row(now))).changed() == frozenset()


def test_a_clock_read_and_changed_writes_only_what_changed(now):
    clock = ClockRow.loaded(as_read(read_row(now)))
    clock.breached_at = clock.warned_at = now + timedelta(hours=1)
    assert clock.changed() == {"breached_at", "warned_at"}


def test_setting_a_column_back_to_its_read_value_is_no_change(now):
    clock = ClockRow.loaded(as_read(read_row(now)))
    clock.due_at = now
    clock.due_at = now + timedelta(minutes=60)
    assert clock.changed() == frozenset()


def test_a_started_clock_is_inserted_whole_with_its_last_values(now):
    values = read_row(now)
    del values["id"]
    clock = ClockRow(id=None, **values)
    clock.satisfied_at = now + timedelta(minutes=5)
    assert clock.changed() == frozenset(CHANGING)
    assert clock.values() == {**values, "satisfied_at": now + timedelta(minutes=5)}


def test_the_changing_values_follow_the_changing_columns(now):
    clock = ClockRow.loaded(as_read(read_row(now)))
    assert clock.changing() == tuple(getattr(clock, column) for column in CHANGING)


def test_a_clock_is_read_from_its_columns_in_order(now):
    row = read_row(now)
    clock = ClockRow.loaded(as_read(row))
    assert {column: getattr(clock, column) for column in COLUMNS} == row
