"""Which database errors mean "cannot save now" (a 503 with the text kept) and which are bugs."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError, InternalError, OperationalError, ProgrammingError

from app.services.common.storage import is_storage_failure


class DriverError(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def test_operational_errors_are_storage_failures():
    assert is_storage_failure(OperationalError("INSERT", {}, DriverError(None)))


def test_a_read_only_transaction_or_a_full_disk_on_postgresql_is_one():
    assert is_storage_failure(InternalError("INSERT", {}, DriverError("25006")))
    assert is_storage_failure(InternalError("INSERT", {}, DriverError("53100")))


def test_constraint_and_programming_errors_stay_bugs():
    assert not is_storage_failure(IntegrityError("INSERT", {}, DriverError("23505")))
    assert not is_storage_failure(ProgrammingError("SELECT", {}, DriverError("42P01")))
    assert not is_storage_failure(ValueError("not a database error"))
