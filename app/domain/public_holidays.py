"""Public holidays by country and subdivision, from the holidays package: in this process, or in a
short-lived child process for web workers, so that a worker never keeps the package's rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache

# Whether holiday dates are worked out by a short-lived child process instead of this one.
# Importing the holidays package loads every country's rules (about 19 MB that a process keeps
# for good) to learn a dozen dates a year; web workers ask a child instead (gunicorn.conf.py).
_holidays_from_child = False
# Years a child works out at once, around the one asked for: one child per calendar for years.
_CHILD_YEARS = range(-1, 3)
_CHILD_SCRIPT = (
    "import json, sys, holidays\n"
    "country, subdivision, years = json.loads(sys.argv[1])\n"
    "print(json.dumps({year: [day.isoformat() for day in holidays.country_holidays("
    "country, subdiv=subdivision, years=year)] for year in years}))"
)
_SUPPORTED_SCRIPT = "import json, holidays\nprint(json.dumps(holidays.list_supported_countries()))"
_from_child: dict[tuple[str, str | None, int], frozenset[date]] = {}


def holidays_from_child_process(enabled: bool = True) -> None:
    """Work out holiday dates (and which countries have them) in a child process from now on
    (or again in this one)."""
    global _holidays_from_child
    _holidays_from_child = enabled
    holiday_dates.cache_clear()
    supported_regions.cache_clear()


@lru_cache(maxsize=1)
def supported_regions() -> Mapping[str, tuple[str, ...]]:
    """The countries (ISO codes) with known public holidays, each with its subdivisions."""
    if _holidays_from_child:
        answer = _run_child(_SUPPORTED_SCRIPT, [])
        if isinstance(answer, dict):
            return {country: tuple(names) for country, names in answer.items()}
    import holidays

    return {country: tuple(names) for country, names in holidays.list_supported_countries().items()}


@lru_cache(maxsize=512)
def holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """The public holidays (observed days included) of a country or subdivision in one year."""
    if _holidays_from_child:
        key = (country, subdivision, year)
        if key not in _from_child:
            _ask_child(country, subdivision, [year + offset for offset in _CHILD_YEARS])
        if key in _from_child:
            return _from_child[key]
    import holidays  # here: a calendar without a holiday country never needs the package

    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())


def _ask_child(country: str, subdivision: str | None, years: list[int]) -> None:
    """Fill `_from_child` with these years' holidays; if the child fails, nothing is filled and
    the caller works them out itself."""
    by_year = _run_child(_CHILD_SCRIPT, [country, subdivision, years])
    if not isinstance(by_year, dict):
        return
    for year in years:
        _from_child[(country, subdivision, year)] = frozenset(
            date.fromisoformat(day) for day in by_year.get(str(year), ())
        )


def _run_child(script: str, argument: object) -> object:
    """What a Python child process running the script prints (as JSON), or None if it fails."""
    import json
    import subprocess
    import sys

    try:
        answer = subprocess.run(
            [sys.executable, "-c", script, json.dumps(argument)],
            capture_output=True,
            check=True,
            text=True,
            timeout=60,
        )
        result: object = json.loads(answer.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return result
