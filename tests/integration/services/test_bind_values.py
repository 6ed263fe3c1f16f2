"""The quick converter of UTC datetimes gives, value for value, the text the column's own
converter gives on SQLite; another dialect keeps its own converter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from app.models.types import UTCDateTime
from app.services.common.bind_values import bind_converter, utc_text

INSTANTS = [
    datetime(2026, 12, 2, 4, 5, 6, tzinfo=UTC),
    datetime(2026, 12, 2, 4, 5, 6, 7, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-3))),
    datetime(2026, 3, 29, 1, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    datetime(1, 1, 1, 0, 0, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
]


def test_the_quick_text_is_the_columns_own():
    dialect = sqlite.dialect()
    own = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert own is not None
    quick = bind_converter(UTCDateTime(), dialect)
    assert quick is utc_text
    for instant in INSTANTS:
        assert quick(instant) == own(instant)
        assert quick(instant) == own(instant)  # a second time: the remembered text
    assert quick(None) is None


def test_a_naive_datetime_is_refused_as_by_the_column():
    with pytest.raises(ValueError, match="naive"):
        utc_text(datetime(2026, 12, 2, 4, 5, 6, tzinfo=UTC).replace(tzinfo=None))


def test_another_dialect_keeps_its_own_converter():
    dialect = postgresql.dialect()
    assert bind_converter(UTCDateTime(), dialect) is not utc_text
