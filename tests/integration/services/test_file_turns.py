"""On SQLite the processes writing one file take turns on a lock file beside it: a writer holds
the turn from before its BEGIN IMMEDIATE until its COMMIT or ROLLBACK has returned, every way a
write transaction ends gives it back, and a writer of another process waits for it instead of
sleeping in SQLite's busy handler."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
from sqlalchemy import select, text

from app import file_turns
from app.database import is_sqlite, writing
from app.extensions import db
from app.models import Organization
from app.services.common.transaction import transaction


@pytest.fixture(autouse=True)
def _sqlite_only(app):
    if not is_sqlite(db.engine):
        pytest.skip("PostgreSQL locks rows as it writes; the turns are between SQLite's writers")


def _another_process_gets_the_turn() -> bool:
    """Whether another open file description (as another process has) could lock the file now."""
    path = file_turns.lock_path(db.engine.url.database)
    assert path is not None
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)


def test_a_writer_holds_the_turn_until_its_commit_has_returned():
    with transaction():
        db.session.add(Organization(name="Initech", account_tier="inside"))
        db.session.flush()
        assert file_turns.held()
        assert not _another_process_gets_the_turn()
    assert not file_turns.held()
    assert _another_process_gets_the_turn()
    assert db.session.scalars(select(Organization.name)).all() == ["Initech"]


def test_a_rollback_a_failed_statement_and_a_returned_connection_give_the_turn_back():
    with pytest.raises(RuntimeError), transaction():
        db.session.add(Organization(name="Initech", account_tier="inside"))
        db.session.flush()
        raise RuntimeError("refused")
    assert not file_turns.held() and _another_process_gets_the_turn()
    with pytest.raises(Exception, match="no such table"), transaction():
        db.session.execute(text("INSERT INTO no_such_table VALUES (1)"))
    assert not file_turns.held() and _another_process_gets_the_turn()
    with writing():
        db.session.connection()  # a write transaction begun ...
        assert file_turns.held()
    db.session.remove()  # ... and its connection given back without a commit
    assert not file_turns.held() and _another_process_gets_the_turn()


def test_a_readers_commit_on_another_connection_leaves_the_writers_turn(app):
    engine = db.engine
    with transaction():
        db.session.add(Organization(name="Initech", account_tier="inside"))
        db.session.flush()

        def read_and_commit() -> None:  # a request of another thread, which only reads
            with engine.connect() as reader:
                reader.execute(select(Organization.id)).all()
                reader.commit()

        reader = threading.Thread(target=read_and_commit)
        reader.start()
        reader.join()
        assert file_turns.held()
        assert not _another_process_gets_the_turn()
    assert not file_turns.held()


def test_a_writer_waits_for_another_processes_turn_and_then_writes():
    path = file_turns.lock_path(db.engine.url.database)
    assert path is not None
    other = os.open(path, os.O_RDWR | os.O_CREAT)  # another process's turn, as the kernel sees it
    fcntl.flock(other, fcntl.LOCK_EX)
    order: list[str] = []
    waiting = threading.Event()

    def let_go() -> None:
        waiting.wait(5)
        order.append("the other process let go")
        fcntl.flock(other, fcntl.LOCK_UN)

    releaser = threading.Thread(target=let_go)
    releaser.start()
    try:
        waiting.set()
        with transaction():
            db.session.add(Organization(name="Initech", account_tier="inside"))
            db.session.flush()
            order.append("this writer wrote")
    finally:
        releaser.join()
        os.close(other)
    assert order == ["the other process let go", "this writer wrote"]
    assert not file_turns.held()


def test_a_database_without_a_file_takes_no_turn():
    assert file_turns.lock_path(":memory:") is None
    assert file_turns.lock_path("") is None
    assert file_turns.lock_path("/srv/tierdesk/desk.db") == "/srv/tierdesk/desk.db-writer"
