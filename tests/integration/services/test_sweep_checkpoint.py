"""On SQLite the sweep's batches commit without checkpointing the write-ahead log each time; the
connections they used go back to the pool checkpointing as usual. Other writers checkpoint every
few write commits once their turn has ended, so the next writer never waits for it."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from app import file_turns, wal_checkpoints
from app.database import is_sqlite
from app.extensions import db
from app.models import Organization
from app.services.common.transaction import transaction
from app.wal_checkpoints import CHECKPOINT_EVERY_WRITES, WAL_AUTOCHECKPOINT_PAGES, one_checkpoint


@pytest.fixture(autouse=True)
def _sqlite_only(app):
    if not is_sqlite(db.engine):
        pytest.skip("PostgreSQL has no write-ahead log checkpoints to defer")


def _autocheckpoint() -> int:
    return int(db.session.execute(text("PRAGMA wal_autocheckpoint")).scalar_one())


def test_commits_inside_defer_the_checkpoint_and_the_pool_gets_the_default_back():
    with one_checkpoint():
        for n in range(2):
            with transaction():
                assert _autocheckpoint() == 0
                db.session.add(Organization(name=f"Org {n}", account_tier="inside"))
    db.session.rollback()
    assert _autocheckpoint() == WAL_AUTOCHECKPOINT_PAGES
    db.session.rollback()
    assert db.session.query(Organization).count() == 2


def test_transactions_outside_checkpoint_as_usual():
    with transaction():
        assert _autocheckpoint() == WAL_AUTOCHECKPOINT_PAGES


def _checkpoints_traced(seen: list[bool]):
    """Record, for each checkpoint statement run on a connection checked out from now on, whether
    this process held the writers' turn as it ran."""

    def trace(dbapi_connection, _record, _proxy) -> None:
        dbapi_connection.set_trace_callback(
            lambda sql: seen.append(file_turns.held()) if "wal_checkpoint" in sql else None
        )

    return trace


def test_writers_checkpoint_every_few_commits_after_their_turn(monkeypatch):
    monkeypatch.setattr(wal_checkpoints, "_writes_since_checkpoint", [0])
    seen: list[bool] = []
    trace = _checkpoints_traced(seen)
    db.session.remove()
    event.listen(db.engine.pool, "checkout", trace)
    try:
        for n in range(CHECKPOINT_EVERY_WRITES - 1):
            with transaction():
                db.session.add(Organization(name=f"Org {n}", account_tier="inside"))
        assert seen == []
        with transaction():
            db.session.add(Organization(name="The last one", account_tier="inside"))
        assert seen == [False]  # one, with the turn given back
        with one_checkpoint():
            for n in range(CHECKPOINT_EVERY_WRITES):
                with transaction():
                    db.session.add(Organization(name=f"Batch {n}", account_tier="inside"))
        assert seen == [False, False]  # the block's own one at its end
    finally:
        event.remove(db.engine.pool, "checkout", trace)
        db.session.remove()
    assert db.session.query(Organization).count() == 2 * CHECKPOINT_EVERY_WRITES
