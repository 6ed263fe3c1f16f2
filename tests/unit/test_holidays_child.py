"""Holiday dates worked out by a child process (as web workers do) are the ones this process
would work out itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.domain import public_holidays
from app.domain.public_holidays import holiday_dates, holidays_from_child_process


@pytest.fixture
def in_child() -> Iterator[None]:
    holidays_from_child_process()
    yield
    holidays_from_child_process(False)


@pytest.mark.parametrize(
    ("country", "subdivision", "year"),
    [("DE", "BY", 2026), ("DE", None, 2027), ("US", "CA", 2025), ("GB", "SCT", 2026)],
)
def test_a_child_finds_the_same_holidays(in_child, country, subdivision, year):
    from_child = holiday_dates(country, subdivision, year)
    assert (country, subdivision, year) in public_holidays._from_child
    holidays_from_child_process(False)
    assert from_child == holiday_dates(country, subdivision, year)
    assert len(from_child) >= 8


def test_one_child_answers_for_the_years_around(in_child):
    holiday_dates("FR", None, 2026)
    assert {year for country, _, year in public_holidays._from_child if country == "FR"} >= {2025, 2027, 2028}


def test_a_child_knows_the_same_countries_and_subdivisions(in_child):
    from_child = public_holidays.supported_regions()
    holidays_from_child_process(False)
    assert from_child == public_holidays.supported_regions()
    assert "BY" in from_child["DE"]
