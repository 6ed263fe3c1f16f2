"""On SQLite the sweep's batches commit without checkpointing the write-ahead log each time; the
connections they used go back to the pool checkpointing as usual."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.database import WAL_AUTOCHECKPOINT_PAGES, is_sqlite, one_checkpoint
from app.extensions import db
from app.models import Organization
from app.services.common.transaction import transaction


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
