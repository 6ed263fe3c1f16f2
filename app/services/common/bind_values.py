"""The converter a prepared statement or a plain INSERT gives each value it sends the driver.

A column's own converter is the type's bind processor. For a UTC datetime on SQLite that is two
steps, the zone check of `UTCDateTime` and the dialect's text format filled from a dict, about
as costly as SQLite's own work for a small row; a ticket's opening sends a dozen of them. The
same text comes from one `isoformat` call. It is used only where it gives exactly the text the
column's own converter gives (checked once per type and dialect, on sample values), so a dialect
that stores datetimes another way keeps its own converter.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from app.models.types import UTCDateTime

Converter = Callable[[Any], Any]

# Instants whose text the quick converter must match: whole seconds, microseconds, another zone
# (moved to UTC across a date), an early year (its digits padded).
_SAMPLES = (
    datetime(2026, 12, 2, 4, 5, 6, tzinfo=UTC),
    datetime(2026, 3, 29, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(2027, 1, 1, 0, 30, 0, 120, tzinfo=timezone(timedelta(hours=2))),
    datetime(987, 6, 5, 4, 3, 2, 1, tzinfo=UTC),
)
_checked: dict[tuple[type[Any], type[Any]], bool] = {}


def bind_converter(type_: TypeEngine[Any], dialect: Dialect) -> Converter | None:
    """The converter of a value bound to a column of `type_` (None: the value as it is)."""
    convert = type_.dialect_impl(dialect).bind_processor(dialect)
    if convert is not None and isinstance(type_, UTCDateTime) and _quick_is_exact(type_, convert, dialect):
        return utc_text
    return convert


# The last datetime converted and its text: a ticket's opening writes its one `now` into a dozen
# columns of several rows, the same object each time. Held as one pair, replaced whole.
_last: tuple[datetime | None, str | None] = (None, None)


def utc_text(value: datetime | None) -> str | None:
    """An aware datetime as SQLite's DATETIME stores it: its UTC wall time, to the microsecond."""
    global _last
    if value is None:
        return None
    last = _last
    if last[0] is value:
        return last[1]
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    utc = value if value.tzinfo is UTC else value.astimezone(UTC)
    # The aware form ends in "+00:00": the stored text is what comes before it.
    text = utc.isoformat(" ", "microseconds")[:26]
    _last = (value, text)
    return text


def _quick_is_exact(type_: TypeEngine[Any], convert: Converter, dialect: Dialect) -> bool:
    key = (type(type_), type(dialect))
    if key not in _checked:
        _checked[key] = all(
            isinstance(expected := convert(sample), str) and utc_text(sample) == expected
            for sample in _SAMPLES
        )
    return _checked[key]
