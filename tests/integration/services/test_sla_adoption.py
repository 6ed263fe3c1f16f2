"""A policy edit gives the open tickets waiting without a policy the one their cell now names, in a
fixed number of statements (sla.adoption), with exactly the figures one-by-one adoption gives: in
the edit itself when few wait, else in the scheduler's batches (sla.adoption_job), whatever the
batch size, a crash between or inside batches, a second edit in the middle or two schedulers."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import event, func, select

from app.domain.sla import Targets
from app.domain.sla_vocabulary import SlaTarget
from app.domain.vocabulary import AccountTier, Priority, Status
from app.extensions import db
from app.jobs import JOBS, run_job_if_leader
from app.models import Activity, SlaAdoption, SlaClock, SlaPause, SlaPolicy, Ticket, User
from app.services.sla import adoption_job
from app.services.sla import clock as sla_clock
from app.services.sla.adoption import EVERY, Span
from app.services.sla.adoption_job import adopt_next_batch, adopt_pending
from app.services.sla.policy_cache import policy_cells
from app.services.sla.setup import save_calendar, save_policy
from tests.factories import make_admin, make_customer, make_org, make_team, make_ticket
from tests.snapshot import empty_tables

# Friday 13 March 2026, 16:10 in Berlin: the office calendar closes within the hour, so its
# clocks run over the weekend and the second edit, on Saturday, starts them on Monday morning.
FIRST_EDIT = datetime(2026, 3, 13, 15, 10, tzinfo=UTC)
SECOND_EDIT = datetime(2026, 3, 14, 11, 37, tzinfo=UTC)
OFFICE = {day: "09:00-12:30, 13:30-17:00" for day in range(5)}
STRATEGIC = Targets(45, 90, 600, (30, 60, 90, 120, 240), warn_percent=70)
STANDARD = Targets(480, 480, 2400, (480, 480, 960, 1440, 2400), warn_percent=80)
URGENT = Targets(30, 60, 300, (30, 30, 30, 30, 30), warn_percent=50)
# Tickets that could never say it took no first response: this one measures none.
NO_FIRST = Targets(None, 240, 1200, (240, 240, 240, 240, 240), warn_percent=75)


def one_by_one(now: datetime, span: Span = EVERY, limit: int | None = None) -> int:
    """The reference: each waiting ticket (the first `limit` of them) loaded and adopted through
    the clock hooks in turn."""
    assert span == EVERY
    cells = policy_cells()
    waiting = db.session.scalars(
        select(Ticket)
        .where(Ticket.sla_policy_id.is_(None), Ticket.status.not_in(sla_clock.DONE_STATUSES))
        .order_by(Ticket.id)
        .limit(limit)
    ).all()
    return sum(sla_clock.adopt_policy(ticket, now, cells) for ticket in waiting)


def _desk(seed: int = 20) -> tuple[object, object]:
    """Calendars, a policy for urgent tickets only, and tickets of every kind without a policy:
    each account tier and none, each priority, tier, status, answered or not, held by a vendor
    that pauses the clock or not, with stored rank parts; a few have a policy already, and one
    waiting ticket has a running clock (left from before, so it takes the one-by-one path)."""
    admin = make_admin()
    office = save_calendar(
        admin, name="Office", timezone="Europe/Berlin", weekly_hours=OFFICE, holidays_country="DE"
    )
    always = save_calendar(admin, name="24x7", timezone="UTC", weekly_hours={}, always_open=True)
    urgent = save_policy(
        admin, name="Urgent", calendar_id=always.id, priority="urgent", targets=URGENT, now=FIRST_EDIT
    )
    vendor = make_team(name="Vendor", tier=4, is_external=True)
    customers = [make_customer(organization=make_org(account_tier=tier)) for tier in AccountTier]
    customers.append(make_customer(organization_id=None))
    rng = random.Random(seed)
    for n in range(140):
        status = rng.choice(list(Status))
        tier = rng.randrange(5)
        held = tier == 4 and rng.random() < 0.7
        make_ticket(
            customers[n % len(customers)],
            subject=f"case {n}",
            status=status,
            priority=rng.choice(list(Priority)),
            tier=tier,
            first_responded_at=FIRST_EDIT - timedelta(hours=3) if rng.random() < 0.4 else None,
            vendor_id=vendor.id if held else None,
            vendor_pauses_clock=held and rng.random() < 0.6,
            sla_policy_id=urgent.id if n % 17 == 0 else None,
            risk_account=rng.randrange(60),
            risk_value=rng.randrange(40),
            risk_health=rng.randrange(80),
            risk_priority=rng.randrange(5),
            risk_score=rng.randrange(100),
        )
    leftover = make_ticket(
        customers[0], subject="case with a clock", status=Status.open, priority=Priority.low
    )
    db.session.add(
        SlaClock(
            ticket_id=leftover.id,
            target=SlaTarget.resolution,
            tier=1,
            minutes=600,
            started_at=FIRST_EDIT - timedelta(days=2),
            warn_at=FIRST_EDIT - timedelta(days=1),
            due_at=FIRST_EDIT + timedelta(hours=2),
        )
    )
    db.session.commit()
    return admin, (office, always)


def _edits(admin, calendars) -> None:
    """Two edits: strategic accounts first, then a default for the rest and a cell measuring no
    first response."""
    office, always = calendars
    save_policy(
        admin,
        name="Strategic",
        calendar_id=always.id,
        account_tier="strategic",
        targets=STRATEGIC,
        now=FIRST_EDIT,
    )
    save_policy(admin, name="Low", calendar_id=office.id, priority="low", targets=NO_FIRST, now=SECOND_EDIT)
    save_policy(
        admin, name="Standard", calendar_id=office.id, is_default=True, targets=STANDARD, now=SECOND_EDIT
    )


def _figures() -> dict:
    """Every SLA figure of every ticket, by subject (ids differ between the two runs)."""
    db.session.expire_all()
    policies = {p.id: p.name for p in db.session.scalars(select(SlaPolicy))}
    tickets = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
    figures = {}
    for ticket in tickets:
        clocks = db.session.scalars(
            select(SlaClock).where(SlaClock.ticket_id == ticket.id).order_by(SlaClock.id)
        ).all()
        pauses = db.session.scalars(
            select(SlaPause).where(SlaPause.ticket_id == ticket.id).order_by(SlaPause.id)
        ).all()
        figures[ticket.subject] = {
            "policy": policies.get(ticket.sla_policy_id or 0),
            "reason": ticket.sla_policy_reason,
            "badge": ticket.sla_badge,
            "next_check": ticket.sla_next_check_at,
            "risk": (
                ticket.risk_score,
                ticket.risk_pressure,
                ticket.risk_priority,
                ticket.risk_account,
                ticket.risk_value,
                ticket.risk_health,
                ticket.risk_refresh_at,
            ),
            "clocks": [
                (c.target, c.tier, c.minutes, c.started_at, c.warn_at, c.due_at, c.satisfied_at)
                for c in clocks
            ],
            "pauses": [(p.started_at, p.ended_at, p.reason) for p in pauses],
        }
    figures["given a policy"] = [
        a.data.get("tickets_given_a_policy")
        for a in db.session.scalars(select(Activity).order_by(Activity.id))
        if a.data and "tickets_given_a_policy" in a.data
    ]
    return figures


def test_adopting_in_bulk_gives_the_figures_of_adopting_one_by_one(monkeypatch):
    admin, calendars = _desk()
    _edits(admin, calendars)
    in_bulk = _figures()

    db.session.remove()
    empty_tables()
    monkeypatch.setattr(adoption_job, "adopt_waiting", one_by_one)
    admin, calendars = _desk()
    _edits(admin, calendars)
    reference = _figures()

    assert in_bulk == reference
    # The set covers what adoption can meet.
    # (the tickets given the urgent policy directly have no clocks)
    adopted = [f for s, f in in_bulk.items() if s.startswith("case") and f["policy"] and f["clocks"]]
    assert sum(in_bulk["given a policy"]) == len(adopted) > 60
    assert {f["policy"] for f in adopted} == {"Urgent", "Strategic", "Low", "Standard"}
    assert {p[2] for f in adopted for p in f["pauses"]} == {"pending", "on_hold", "vendor"}
    assert any(f["pauses"] and f["next_check"] is None for f in adopted)
    assert {len(f["clocks"]) for f in adopted} == {2, 3, 4}  # answered or NO_FIRST, not, the leftover
    assert in_bulk["case with a clock"]["policy"] == "Strategic"
    assert len(in_bulk["case with a clock"]["clocks"]) == 4
    # Solved and closed tickets stay without one.
    done = [f for s, f in in_bulk.items() if s.startswith("case") and f["policy"] is None]
    assert done and all(not f["clocks"] for f in done)


def _statements_to_adopt(waiting: int) -> int:
    admin = make_admin()
    always = save_calendar(admin, name=f"24x7 {waiting}", timezone="UTC", weekly_hours={}, always_open=True)
    customer = make_customer()
    for n in range(waiting):
        make_ticket(customer, subject=f"waiting {n}", priority=list(Priority)[n % 4], tier=n % 5)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        save_policy(admin, name=f"Default {waiting}", calendar_id=always.id, is_default=True, targets=URGENT)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    given = db.session.scalar(select(Activity.data).order_by(Activity.id.desc()).limit(1))
    assert given["tickets_given_a_policy"] == waiting
    return len(statements)


def test_a_policy_edit_costs_the_same_statements_for_10_waiting_tickets_as_for_60():
    few = _statements_to_adopt(10)
    db.session.remove()
    empty_tables()
    assert _statements_to_adopt(60) == few


def _waiting_at_last_edit() -> int:
    return db.session.scalar(select(SlaAdoption.waiting).order_by(SlaAdoption.id.desc()).limit(1))


def _default_left_to_the_job(app, monkeypatch) -> int:
    """The desk, and a default policy saved for the job to adopt; returns how many wait."""
    monkeypatch.setitem(app.config, "SLA_ADOPTION_INLINE", 0)
    admin, (office, _always) = _desk()
    save_policy(
        admin, name="Standard", calendar_id=office.id, is_default=True, targets=STANDARD, now=SECOND_EDIT
    )
    return _waiting_at_last_edit()


def _given_in_batches() -> int:
    return db.session.scalar(select(func.sum(SlaAdoption.adopted))) or 0


def _reference_with_a_second_edit_after(monkeypatch, admin, calendars, covered: int) -> dict:
    """One by one, inside the edits: the strategic edit adopts every waiting ticket, the edit for
    low priority only the first `covered` of them (the batches the job finished before the
    default's edit), and the default's edit every ticket still waiting."""
    office, always = calendars
    monkeypatch.setitem(current_app.config, "SLA_ADOPTION_INLINE", 10**6)
    monkeypatch.setattr(adoption_job, "adopt_waiting", one_by_one)
    save_policy(
        admin,
        name="Strategic",
        calendar_id=always.id,
        account_tier="strategic",
        targets=STRATEGIC,
        now=FIRST_EDIT,
    )
    monkeypatch.setattr(adoption_job, "adopt_waiting", lambda now, span=EVERY: one_by_one(now, span, covered))
    save_policy(admin, name="Low", calendar_id=office.id, priority="low", targets=NO_FIRST, now=SECOND_EDIT)
    monkeypatch.setattr(adoption_job, "adopt_waiting", one_by_one)
    save_policy(
        admin, name="Standard", calendar_id=office.id, is_default=True, targets=STANDARD, now=SECOND_EDIT
    )
    return _figures()


class Crash(Exception):
    pass


@pytest.mark.parametrize("size", [1, 7, 1000])
def test_adopting_in_batches_gives_the_figures_of_adopting_one_by_one(app, monkeypatch, size):
    """Saves leave the work to the job; two batches run after the edit for low priority, then
    one crashes after its writes and the process restarts; the default's edit supersedes what is
    left, and the job finishes under the final setup."""
    monkeypatch.setitem(app.config, "SLA_ADOPTION_INLINE", 0)
    admin, (office, always) = _desk()
    save_policy(
        admin,
        name="Strategic",
        calendar_id=always.id,
        account_tier="strategic",
        targets=STRATEGIC,
        now=FIRST_EDIT,
    )
    waiting = _waiting_at_last_edit()
    assert waiting > 60 and not db.session.scalar(
        select(func.count()).select_from(SlaClock).where(SlaClock.started_at == FIRST_EDIT)
    )  # nothing adopted by the save itself
    first = adopt_pending(size, rest=False, budget_seconds=3600)
    assert (
        first.finished
        and first.checked == waiting
        and first.batches == -(-waiting // size) + (waiting % size == 0)
    )
    save_policy(admin, name="Low", calendar_id=office.id, priority="low", targets=NO_FIRST, now=SECOND_EDIT)
    covered = 0
    for _ in range(2):
        batch = adopt_next_batch(size)
        covered += batch.checked if batch else 0
    real = adoption_job.adopt_waiting

    def crashing(now: datetime, span: Span = EVERY) -> int:
        real(now, span)
        raise Crash

    monkeypatch.setattr(adoption_job, "adopt_waiting", crashing)
    unfinished = select(func.count()).select_from(SlaAdoption).where(SlaAdoption.finished_at.is_(None))
    if db.session.scalar(unfinished):  # a batch of 1,000 did it all at once
        with pytest.raises(Crash):
            adopt_next_batch(size)
    monkeypatch.setattr(adoption_job, "adopt_waiting", real)
    admin_id, office_id = admin.id, office.id
    db.session.remove()  # the process restarts
    admin = db.session.get_one(User, admin_id)
    save_policy(
        admin, name="Standard", calendar_id=office_id, is_default=True, targets=STANDARD, now=SECOND_EDIT
    )
    assert adopt_pending(size, rest=False, budget_seconds=3600).finished
    assert adopt_next_batch(size) is None
    in_batches = _figures()
    given = _given_in_batches()
    rows = db.session.execute(
        select(SlaAdoption.superseded, SlaAdoption.finished_at).order_by(SlaAdoption.id)
    ).all()
    # The urgent policy's edit (before any ticket), the three edits here.
    assert [superseded for superseded, _ in rows] == [False, False, size < waiting, False]
    assert all(finished is not None for _, finished in rows)

    db.session.remove()
    empty_tables()
    admin, calendars = _desk()
    reference = _reference_with_a_second_edit_after(monkeypatch, admin, calendars, covered)

    assert in_batches.pop("given a policy") == [0] and reference.pop("given a policy")  # the urgent edit
    assert in_batches == reference
    assert given == sum(1 for s, f in reference.items() if s.startswith("case") and f["clocks"])
    # Each batch's edit decided: low tickets of the first batches took Low at the second edit.
    assert covered and {f["policy"] for f in in_batches.values()} >= {"Strategic", "Low", "Standard"}


def test_two_schedulers_adopt_each_ticket_once(app, monkeypatch):
    """Two job runs at once (the lease aside) take turns batch by batch: no ticket twice."""
    waiting = _default_left_to_the_job(app, monkeypatch)
    db.session.remove()
    barrier = threading.Barrier(2)
    runs = []

    def run() -> None:
        with app.app_context():
            barrier.wait()
            runs.append(adopt_pending(3, rest=False, budget_seconds=3600))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.checked for r in runs) == waiting and all(r.finished for r in runs)
    twice = db.session.execute(
        select(SlaClock.ticket_id, SlaClock.target)
        .where(SlaClock.started_at == SECOND_EDIT)  # the leftover clock aside
        .group_by(SlaClock.ticket_id, SlaClock.target)
        .having(func.count() > 1)
    ).all()
    assert twice == []
    in_batches = _figures()
    in_batches.pop("given a policy")

    db.session.remove()
    empty_tables()
    monkeypatch.setattr(adoption_job, "adopt_waiting", one_by_one)
    monkeypatch.setitem(app.config, "SLA_ADOPTION_INLINE", 10**6)
    admin, (office, _always) = _desk()
    save_policy(
        admin, name="Standard", calendar_id=office.id, is_default=True, targets=STANDARD, now=SECOND_EDIT
    )
    reference = _figures()
    reference.pop("given a policy")
    assert in_batches == reference


def test_the_sweep_misses_no_ticket_adopted_while_it_runs(app, monkeypatch):
    """A sweep between batches handles what is adopted so far; the next one the rest, so no
    adopted ticket stays due after a sweep."""
    from app.services.sweep.sweep import sweep_sla

    monkeypatch.setitem(app.config, "SLA_ADOPTION_INLINE", 0)
    admin, (_office, always) = _desk()
    save_policy(
        admin,
        name="Around the clock",
        calendar_id=always.id,
        is_default=True,
        targets=URGENT,
        now=SECOND_EDIT,
    )
    later = SECOND_EDIT + timedelta(days=3)

    def due() -> int:
        query = select(func.count()).select_from(Ticket).where(Ticket.sla_next_check_at <= later)
        return db.session.scalar(query) or 0

    adopt_next_batch(20)
    assert due() > 0
    first = sweep_sla(later)
    assert first.checked > 0 and due() == 0
    assert adopt_pending(20, rest=False, budget_seconds=3600).finished
    assert due() > 0
    second = sweep_sla(later)
    assert second.checked > 0 and due() == 0


def test_the_adoption_job_runs_through_the_lease(app, monkeypatch):
    waiting = _default_left_to_the_job(app, monkeypatch)
    job = next(job for job in JOBS if job.id == "sla-adoption")
    result = run_job_if_leader(app, job, "only")
    assert result == {"batches": 1, "checked": waiting, "adopted": waiting, "finished": True}
