"""On SQLite the writers of one process take turns on a lock of their own: every way a write
transaction ends hands the turn on, so no thread is left waiting for a turn nobody holds."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import select, text

from app.database import is_sqlite, process_writer_busy
from app.extensions import db
from app.models import Organization
from app.services.common.transaction import transaction


@pytest.fixture(autouse=True)
def _sqlite_only(app):
    if not is_sqlite(db.engine):
        pytest.skip("PostgreSQL locks rows as it writes; the writer turns are SQLite's")


def test_a_commit_hands_the_turn_on():
    with transaction():
        db.session.add(Organization(name="Initech", account_tier="inside"))
        db.session.flush()
        assert process_writer_busy()
    assert not process_writer_busy()


def test_a_rollback_and_a_failed_statement_hand_the_turn_on():
    with pytest.raises(RuntimeError), transaction():
        db.session.add(Organization(name="Initech", account_tier="inside"))
        db.session.flush()
        raise RuntimeError("refused")
    assert not process_writer_busy()
    with pytest.raises(Exception, match="no such table"), transaction():
        db.session.execute(text("INSERT INTO no_such_table VALUES (1)"))
    assert not process_writer_busy()


def test_writers_in_threads_each_get_their_turn(app):
    names: list[str] = []

    def write(n: int) -> None:
        with app.app_context():
            with transaction():
                db.session.add(Organization(name=f"Org {n}", account_tier="inside"))
            names.append(f"Org {n}")
            db.session.remove()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(names) == 12
    assert db.session.query(Organization).count() == 12
    assert not process_writer_busy()


def _another_writer_gets_in() -> bool:
    """Whether a second connection to the database could take the write lock right now."""
    other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_a_unit_of_work_after_a_read_holds_the_write_lock_from_its_start():
    with transaction():
        db.session.add(Organization(name="Initech", account_tier="inside"))
    db.session.remove()
    # A request reads first (the signed-in user, say), then writes in a unit of work.
    read = db.session.scalars(select(Organization)).one()
    assert db.session().in_transaction()
    assert _another_writer_gets_in()
    with transaction():
        assert process_writer_busy()
        assert not _another_writer_gets_in()  # before this transaction has written anything
        read.name = "Initrode"
    assert not process_writer_busy()
    assert _another_writer_gets_in()
    db.session.remove()
    assert db.session.scalars(select(Organization.name)).one() == "Initrode"


def test_a_unit_of_work_after_a_read_that_fails_lets_the_lock_go():
    db.session.scalars(select(Organization)).all()
    with pytest.raises(RuntimeError), transaction():
        db.session.add(Organization(name="Initech", account_tier="inside"))
        db.session.flush()
        raise RuntimeError("refused")
    assert not process_writer_busy()
    assert _another_writer_gets_in()
    assert db.session.scalars(select(Organization)).all() == []
