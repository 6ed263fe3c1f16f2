"""Random stories through the real services, checked against a reference written here.

A story opens a ticket and then, at increasing whole-minute times, replies, notes, changes the
status, the priority and the tier, hands the ticket to a vendor (with and without the pause),
takes it back, solves and reopens it, on a calendar that is round the clock, office hours with a
lunch break across a DST change, or the same with a closed day. After every step each stored
clock's due and warn time must equal what a plain minute-by-minute count gives: the business
minutes from the clock's start at which the ticket was not paused, where the paused stretches
are the ones this test saw end (it follows the status, tier and vendor terms itself and never
reads the pause rows).
"""

from __future__ import annotations

import math
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from app.domain.errors import DomainError
from app.domain.sla import Targets
from app.extensions import db
from app.models import SlaClock, Ticket
from app.services.sla.setup import save_calendar, save_policy
from app.services.tickets.changes import change_priority, change_status, change_tier
from app.services.tickets.conversation import add_internal_note, add_reply, reopen_ticket
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer, make_team

STANDARD = Targets(60, 120, 600, (90, 90, 120, 180, 240), warn_percent=80)
URGENT = Targets(30, 45, 300, (30, 30, 60, 90, 120), warn_percent=50)
LUNCH_BREAK = "09:00-12:00, 13:00-17:00"
# The office calendar's zone moves its clocks on 8 March 2026, inside the Friday stories.
OFFICE_ZONE = "America/New_York"
CLOSED_DAY = "2026-03-10"  # a Tuesday
STARTS = (datetime(2026, 3, 2, 13, 0, tzinfo=UTC), datetime(2026, 3, 6, 15, 30, tzinfo=UTC))
HORIZON_DAYS = 14
STEPS = (
    "agent_reply",
    "customer_reply",
    "note",
    "pending",
    "on_hold",
    "open",
    "priority_urgent",
    "priority_normal",
    "tier_up",
    "tier_down",
    "vendor_with_pause",
    "vendor_without_pause",
    "vendor_return",
    "solve",
    "reopen",
)


@dataclass(frozen=True)
class Calendar:
    """The test's own idea of which minutes count: no business-time code of the app."""

    kind: str  # always, office, office_closed_day

    def is_open(self, minute: datetime) -> bool:
        if self.kind == "always":
            return True
        local = minute.astimezone(ZoneInfo(OFFICE_ZONE))
        if local.weekday() >= 5 or (
            self.kind == "office_closed_day" and local.date().isoformat() == CLOSED_DAY
        ):
            return False
        hour = local.hour + local.minute / 60
        return 9 <= hour < 12 or 13 <= hour < 17


@dataclass
class Story:
    start: datetime
    calendar: Calendar
    open_minutes: list[bool] = field(default_factory=list)
    # The paused stretches as minute offsets from the start: ended ones, and the one running.
    ended: list[tuple[int, int]] = field(default_factory=list)
    paused_since: int | None = None
    paused_by: str | None = None
    policy: str | None = None
    checked: dict[int, tuple[datetime, datetime]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        minutes = HORIZON_DAYS * 24 * 60
        self.open_minutes = [self.calendar.is_open(self.start + timedelta(minutes=m)) for m in range(minutes)]

    def offset(self, instant: datetime) -> int:
        return round((instant - self.start) / timedelta(minutes=1))

    def follow_pause(self, ticket: Ticket, at: int) -> None:
        """Whether the clocks stand still now, from the ticket as the services left it. Waiting
        on the vendor and waiting in a status are separate stretches: one ends as the other
        begins."""
        vendor_holds = ticket.tier == 4 and ticket.vendor_id is not None and ticket.vendor_pauses_clock
        done = ticket.status.value in ("solved", "closed")
        waiting = ticket.status.value in ("pending", "on_hold")
        reason = "status" if waiting else "vendor" if vendor_holds and not done else None
        if self.paused_since is not None and reason != self.paused_by:
            if at > self.paused_since:
                self.ended.append((self.paused_since, at))
            self.paused_since = None
        if reason is not None and self.paused_since is None:
            self.paused_since = at
        self.paused_by = reason

    def charged_until(self, begin: int, minutes: int, ended_by: int) -> datetime:
        """The end of the minute in which a clock started at `begin` has run `minutes`."""
        paused = set()
        for first, end in self.ended:
            if end <= ended_by and end > begin:
                paused.update(range(max(first, begin), end))
        counted = 0
        for m in range(begin, len(self.open_minutes)):
            if self.open_minutes[m] and m not in paused:
                counted += 1
                if counted == minutes:
                    return self.start + timedelta(minutes=m + 1)
        raise AssertionError("the story ran past its horizon")


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


def _set_up(calendar: Calendar, with_default: bool, at: datetime) -> None:
    admin = make_admin()
    if calendar.kind == "always":
        row = save_calendar(admin, name="Round the clock", timezone="UTC", weekly_hours={}, always_open=True)
    else:
        row = save_calendar(
            admin,
            name="Office",
            timezone=OFFICE_ZONE,
            weekly_hours={day: LUNCH_BREAK for day in range(5)},
            closed_dates=[CLOSED_DAY] if calendar.kind == "office_closed_day" else [],
        )
    if with_default:
        save_policy(admin, name="Standard", calendar_id=row.id, is_default=True, targets=STANDARD, now=at)
    save_policy(admin, name="Urgent", calendar_id=row.id, priority="urgent", targets=URGENT, now=at)


def _step(name: str, ticket_id: int, agent, customer, vendor, at: datetime) -> None:
    """One thing happening to the ticket; a step its state refuses changes nothing."""
    tier = db.session.get_one(Ticket, ticket_id).tier
    actions = {
        "agent_reply": lambda: add_reply(agent, ticket_id, "We are on it", now=at),
        "customer_reply": lambda: add_reply(customer, ticket_id, "Any news?", now=at),
        "note": lambda: add_internal_note(agent, ticket_id, "Checked the logs", now=at),
        "pending": lambda: change_status(agent, ticket_id, "pending", now=at),
        "on_hold": lambda: change_status(agent, ticket_id, "on_hold", now=at),
        "open": lambda: change_status(agent, ticket_id, "open", now=at),
        "solve": lambda: change_status(agent, ticket_id, "solved", now=at),
        "priority_urgent": lambda: change_priority(agent, ticket_id, "urgent", now=at),
        "priority_normal": lambda: change_priority(agent, ticket_id, "normal", now=at),
        "tier_up": lambda: change_tier(
            agent, ticket_id, min(tier + 1, 3), "needs a specialist", reason_code="needs_expertise", now=at
        ),
        "tier_down": lambda: change_tier(
            agent,
            ticket_id,
            max(tier - 1, 1),
            "back to you: the fix is in, check it with the customer",
            reason_code="wrong_tier",
            now=at,
        ),
        "vendor_with_pause": lambda: _hand_off(agent, ticket_id, vendor, True, at),
        "vendor_without_pause": lambda: _hand_off(agent, ticket_id, vendor, False, at),
        "vendor_return": lambda: change_tier(
            agent,
            ticket_id,
            3,
            "the vendor shipped a fix: verify it with the customer",
            reason_code="fix_delivered",
            now=at,
        ),
        "reopen": lambda: reopen_ticket(customer, ticket_id, now=at),
    }
    with suppress(DomainError):
        actions[name]()


def _hand_off(agent, ticket_id: int, vendor, pauses: bool, at: datetime) -> None:
    change_tier(
        agent,
        ticket_id,
        4,
        "provider storage bug",
        reason_code="vendor_issue",
        vendor_team_id=vendor.id,
        vendor_pauses_clock=pauses,
        now=at,
    )


def _check(story: Story, ticket: Ticket, at: int) -> None:
    """Every clock against the reference; one no longer running must not have moved since."""
    clocks = db.session.scalars(select(SlaClock).where(SlaClock.ticket_id == ticket.id).order_by(SlaClock.id))
    targets = {"Standard": STANDARD, "Urgent": URGENT}
    for clock in clocks:
        assert clock.breached_at is None and clock.warned_at is None  # no sweep runs here
        done_at = story.offset(clock.satisfied_at) if clock.satisfied_at is not None else None
        if done_at is not None and done_at < at:
            assert (clock.warn_at, clock.due_at) == story.checked[clock.id], f"clock {clock.id} moved"
            continue
        assert story.policy is not None
        policy = targets[story.policy]
        minutes = policy.minutes(clock.target, clock.tier)
        assert clock.minutes == minutes, (clock.target, clock.tier, story.policy)
        begin = story.offset(clock.started_at)
        warn_minutes = max(1, math.floor(minutes * policy.warn_percent / 100))
        expected = (
            story.charged_until(begin, warn_minutes, at),
            story.charged_until(begin, minutes, at),
        )
        assert (clock.warn_at, clock.due_at) == expected, (clock.target.value, clock.tier, story.ended)
        story.checked[clock.id] = expected


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    calendar=st.sampled_from(["always", "office", "office_closed_day"]),
    start=st.sampled_from(STARTS),
    with_default=st.booleans(),
    urgent=st.booleans(),
    steps=st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(min_value=1, max_value=8 * 60)), min_size=6, max_size=14
    ),
)
def test_every_clock_is_charged_only_the_business_time_it_ran_unpaused(
    calendar: str, start: datetime, with_default: bool, urgent: bool, steps: list[tuple[str, int]]
) -> None:
    db.session.remove()  # its read transaction would keep PostgreSQL's TRUNCATE waiting
    _empty_tables()
    story = Story(start, Calendar(calendar))
    _set_up(story.calendar, with_default, start)
    agent, customer = make_agent(tier=4), make_customer().user
    vendor = make_team(name="CloudCo", tier=4, is_external=True, vendor_target_hours=24)
    priority = "urgent" if urgent else "normal"
    ticket = open_ticket(customer, subject="Storage down", description="x", priority=priority, now=start)
    ticket_id = ticket.id
    story.policy = "Urgent" if urgent else "Standard" if with_default else None
    _check(story, ticket, 0)
    at = 0
    for name, gap in steps:
        at += gap
        _step(name, ticket_id, agent, customer, vendor, story.start + timedelta(minutes=at))
        db.session.expire_all()
        ticket = db.session.get_one(Ticket, ticket_id)
        story.follow_pause(ticket, at)
        if name.startswith("priority_"):
            named = "Urgent" if ticket.priority.value == "urgent" else "Standard" if with_default else None
            story.policy = named or story.policy
        _check(story, ticket, at)
    assert ticket.sla_policy_id is not None or story.policy is None


def test_the_reference_counts_the_lunch_break_the_weekend_and_the_closed_day() -> None:
    friday = datetime(2026, 3, 6, 15, 30, tzinfo=UTC)  # 10:30 in New York
    story = Story(friday, Calendar("office_closed_day"))
    # 90 minutes to lunch, 240 in the afternoon; Monday 9 March opens at 13:00 UTC (DST began).
    assert story.charged_until(0, 330, 0) == datetime(2026, 3, 6, 22, 0, tzinfo=UTC)
    assert story.charged_until(0, 331, 0) == datetime(2026, 3, 9, 13, 1, tzinfo=UTC)
    # Tuesday is closed: Monday's 420 minutes, then Wednesday.
    assert story.charged_until(0, 751, 0) == datetime(2026, 3, 11, 13, 1, tzinfo=UTC)
    story.ended.append(
        (
            story.offset(datetime(2026, 3, 9, 13, 0, tzinfo=UTC)),
            story.offset(datetime(2026, 3, 9, 14, 0, tzinfo=UTC)),
        )
    )
    assert story.charged_until(0, 331, story.offset(datetime(2026, 3, 9, 14, 0, tzinfo=UTC))) == datetime(
        2026, 3, 9, 14, 1, tzinfo=UTC
    )
    # A pause that has not ended by the time asked about does not count yet.
    assert story.charged_until(0, 331, 0) == datetime(2026, 3, 9, 13, 1, tzinfo=UTC)
