"""On SQLite the processes writing one file take turns on a lock file beside it: a writer holds
the turn from before its BEGIN IMMEDIATE until its COMMIT or ROLLBACK has returned, every way a
write transaction ends gives it back, and a writer of another process waits for it instead of
sleeping in SQLite's busy handler."""

from __future__ import annotations

import fcntl
import os
import signal
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


def _held_by_another_process() -> int:
    path = file_turns.lock_path(db.engine.url.database)
    assert path is not None
    other = os.open(path, os.O_RDWR | os.O_CREAT)  # another open file description: another process's
    fcntl.flock(other, fcntl.LOCK_EX)
    return other


def test_the_main_thread_sleeps_until_the_turn_is_given_back(monkeypatch):
    other = _held_by_another_process()

    def no_polling(_seconds: float) -> None:
        raise AssertionError("the main thread asked again instead of sleeping in flock")

    releaser = threading.Timer(0.05, fcntl.flock, (other, fcntl.LOCK_UN))
    releaser.start()
    monkeypatch.setattr(file_turns.time, "sleep", no_polling)
    try:
        connection = db.engine.raw_connection()
        try:
            assert file_turns.take(db.engine, connection.driver_connection, 5)
            assert file_turns.held()
        finally:
            file_turns.end(connection.driver_connection)
            connection.close()
    finally:
        releaser.join()
        os.close(other)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_wait_ends_at_its_timeout_in_the_main_thread_and_in_other_threads():
    other = _held_by_another_process()
    answers: list[bool] = []
    try:
        engine = db.engine
        connection = engine.raw_connection()
        try:
            assert not file_turns.take(engine, connection.driver_connection, 0.05)
            worker = threading.Thread(
                target=lambda: answers.append(file_turns.take(engine, connection.driver_connection, 0.05))
            )
            worker.start()
            worker.join(5)
            assert not file_turns.take(db.engine, connection.driver_connection, 0)
        finally:
            connection.close()
    finally:
        os.close(other)
    assert answers == [False]
    assert not file_turns.held()
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_an_alarm_someone_else_set_is_left_alone():
    rang: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, _frame: rang.append(signum))
    other = _held_by_another_process()
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        connection = db.engine.raw_connection()
        try:
            assert not file_turns.take(db.engine, connection.driver_connection, 0.05)  # asked again, no alarm
            assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.3
            fcntl.flock(other, fcntl.LOCK_UN)
            assert file_turns.take(db.engine, connection.driver_connection, 0.05)
            file_turns.end(connection.driver_connection)
        finally:
            connection.close()
        signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
        os.close(other)
    assert rang == []


def test_a_main_thread_that_blocks_the_alarm_asks_again_instead():
    other = _held_by_another_process()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        connection = db.engine.raw_connection()
        try:
            assert not file_turns.take(db.engine, connection.driver_connection, 0.05)
        finally:
            connection.close()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
        os.close(other)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_an_alarm_handled_after_the_wait_has_ended_changes_nothing():
    """Python may run the handler late, after the lock was granted and the wait has ended."""
    other = _held_by_another_process()
    releaser = threading.Timer(0.05, fcntl.flock, (other, fcntl.LOCK_UN))
    releaser.start()
    try:
        connection = db.engine.raw_connection()
        try:
            assert file_turns.take(db.engine, connection.driver_connection, 5)
            file_turns._time_out(signal.SIGALRM, None)  # as a late handler would be called
            assert file_turns.held()
            file_turns.end(connection.driver_connection)
        finally:
            connection.close()
    finally:
        releaser.join()
        os.close(other)
