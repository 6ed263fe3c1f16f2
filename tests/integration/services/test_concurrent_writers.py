"""Writers at the same moment wait for each other instead of failing: on SQLite a unit of work
takes the write lock before it reads, so the SLA sweep keeps raising due tickets while the site
takes requests, and a request's write is not refused because another committed first."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.sla import Targets
from app.extensions import db
from app.models import Message, Ticket, TierChange, User
from app.services.sla.setup import save_calendar, save_policy
from app.services.sweep.sweep import sweep_sla
from app.services.tickets.conversation import add_internal_note
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer

TARGETS = Targets(30, 60, 600, (60, 60, 60, 60, 60), warn_percent=50)


@pytest.fixture
def due_tickets(now):
    admin = make_admin()
    always = save_calendar(admin, name="24x7", timezone="UTC", weekly_hours={}, always_open=True)
    save_policy(admin, name="Standard", calendar_id=always.id, is_default=True, targets=TARGETS, now=now)
    customer = make_customer()
    ids = [open_ticket(customer.user, subject="Broken", description="x", now=now).id for _ in range(60)]
    db.session.remove()
    return ids


class Writers:
    """Threads that write through the services, each in its own session, `rounds` times or until
    stopped."""

    def __init__(self, app, work, count: int = 2, rounds: int | None = None) -> None:
        self.app, self.work, self.stop, self.errors = app, work, threading.Event(), []
        self.done, self.rounds = 0, rounds
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(count)]

    def _run(self, n: int) -> None:
        with self.app.app_context():
            try:
                for _round in iter(int, 1) if self.rounds is None else range(self.rounds):
                    if self.stop.is_set():
                        break
                    self.work(n)
                    self.done += 1
            except Exception as error:  # kept for the assertion: any failure fails the test
                self.errors.append(error)
            finally:
                db.session.remove()

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def test_the_sweep_raises_every_due_ticket_while_requests_write(app, due_tickets, now):
    due = now + timedelta(minutes=61)
    writer = make_customer()
    writer_id = writer.user.id
    db.session.remove()

    def open_another(_n: int) -> None:
        user = db.session.get(User, writer_id)
        open_ticket(user, subject="Also broken", description="y", now=due)

    with Writers(app, open_another) as writers:
        while writers.done < 3:  # the writers are busy before the sweep starts
            threading.Event().wait(0.01)
        summary = sweep_sla(due)
        busy_during_sweep = writers.done
    assert writers.errors == []
    assert busy_during_sweep >= 3
    assert (summary.skipped, summary.raised) == (0, len(due_tickets))
    assert db.session.scalar(select(func.count()).select_from(TierChange)) == len(due_tickets)
    assert set(db.session.scalars(select(Ticket.tier).where(Ticket.id.in_(due_tickets)))) == {2}


def test_requests_writing_the_same_tickets_at_once_all_land(app, due_tickets, now):
    agent_id = make_agent(tier=1).id
    db.session.remove()

    def note(n: int) -> None:
        agent = db.session.get(User, agent_id)
        add_internal_note(agent, due_tickets[0], f"writer {n} is looking", now=now)

    with Writers(app, note, count=4, rounds=15) as writers:
        for thread in writers.threads:
            thread.join()
    assert writers.errors == []
    written = db.session.scalar(select(func.count()).select_from(Message).where(Message.internal))
    assert written == 4 * 15
