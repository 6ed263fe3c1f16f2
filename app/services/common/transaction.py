"""One transaction per use case: commit on success, roll back on any error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from app.domain.errors import Conflict
from app.extensions import db


@contextmanager
def transaction() -> Iterator[None]:
    """Run a block as one transaction; a lost optimistic-lock race becomes a Conflict."""
    try:
        yield
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise Conflict("Someone else changed this ticket a moment ago. Reload it and try again.") from exc
    except BaseException:
        db.session.rollback()
        raise
