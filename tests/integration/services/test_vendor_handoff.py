"""Tier-4 hand-offs on a real database: the vendor's terms, the vendor pause of the customer clock,
and changes to the terms later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.domain.business_time import business_minutes_between
from app.domain.errors import InvalidInput, NotAllowed
from app.domain.sla import Targets
from app.domain.sla_vocabulary import SlaTarget
from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import Activity, SlaClock, SlaPause, Ticket
from app.services.relationship.risk_refresh import rank_all_active
from app.services.rules.admin import save_rule
from app.services.sla.policies import calendar_of
from app.services.sla.setup import OFFICE_HOURS, save_calendar, save_policy
from app.services.sweep.sweep import sweep_sla
from app.services.tickets.changes import change_status, change_tier
from app.services.tickets.opening import open_ticket
from app.services.tickets.vendor_handoff import edit_vendor_details
from tests.factories import make_admin, make_agent, make_customer, make_team

# Business minutes: first response 30, next 60, resolution 600, 60 at each tier.
TARGETS = Targets(30, 60, 600, (60, 60, 60, 60, 60), warn_percent=50)
MONDAY_NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 13:00 in Berlin
TUESDAY_TEN = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)  # 11:00 in Berlin


@pytest.fixture
def office(now):
    """Europe/Berlin, 09:00-17:00 Monday to Friday; the fixture's `now` is Monday 11:00 there."""
    admin = make_admin()
    calendar = save_calendar(admin, name="Office", timezone="Europe/Berlin", weekly_hours=OFFICE_HOURS)
    save_policy(
        admin, name="Office policy", calendar_id=calendar.id, is_default=True, targets=TARGETS, now=now
    )
    return calendar


@pytest.fixture
def cloudco():
    return make_team(
        name="CloudCo", tier=4, is_external=True, vendor_target_hours=24, vendor_pauses_clock=True
    )


def fresh(ticket_id: int) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def clock(ticket_id: int, target: SlaTarget) -> SlaClock:
    return db.session.scalars(
        select(SlaClock).where(
            SlaClock.ticket_id == ticket_id, SlaClock.target == target, SlaClock.satisfied_at.is_(None)
        )
    ).one()


def pauses(ticket_id: int) -> list[tuple[str, datetime, datetime | None]]:
    rows = db.session.scalars(select(SlaPause).where(SlaPause.ticket_id == ticket_id).order_by(SlaPause.id))
    return [(p.reason, p.started_at, p.ended_at) for p in rows]


def opened(now) -> Ticket:
    return open_ticket(make_customer().user, subject="Storage down", description="x", now=now)


def hand_off(ticket_id: int, vendor_id: int, at: datetime, **terms) -> Ticket:
    return change_tier(
        make_agent(tier=3),
        ticket_id,
        4,
        "provider storage bug",
        reason_code="vendor_issue",
        vendor_team_id=vendor_id,
        now=at,
        **terms,
    )


def take_back(ticket_id: int, at: datetime) -> Ticket:
    return change_tier(
        make_agent(tier=4),
        ticket_id,
        3,
        "vendor shipped a fix, verify it",
        reason_code="fix_delivered",
        now=at,
    )


def test_a_handoff_stores_the_vendors_terms_and_pauses_the_customer_clock(office, cloudco, now):
    ticket = opened(now)
    hand_off(ticket.id, cloudco.id, MONDAY_NOON, vendor_reference=" CC-88123 ")
    ticket = fresh(ticket.id)
    assert (ticket.tier, ticket.vendor_id, ticket.team_id, ticket.vendor_reference) == (
        4,
        cloudco.id,
        cloudco.id,
        "CC-88123",
    )
    # The vendor's 24 hours count round the clock from the hand-off.
    assert ticket.vendor_due_at == MONDAY_NOON + timedelta(hours=24)
    assert ticket.vendor_pauses_clock is True
    assert pauses(ticket.id) == [("vendor", MONDAY_NOON, None)]
    assert ticket.sla_next_check_at is None
    assert sweep_sla(MONDAY_NOON + timedelta(days=5)).checked == 0
    summary = db.session.scalars(
        select(Activity.summary).where(Activity.kind == ActivityKind.vendor_updated)
    ).one()
    assert "handed to CloudCo (CC-88123)" in summary and "pauses the customer clock" in summary


def test_coming_back_from_the_vendor_moves_due_times_by_exactly_the_paused_business_time(
    office, cloudco, now
):
    ticket = opened(now)
    resolution_due = clock(ticket.id, SlaTarget.resolution).due_at
    assert resolution_due == datetime(2026, 3, 3, 12, 0, tzinfo=UTC)  # Tuesday 13:00 in Berlin
    hand_off(ticket.id, cloudco.id, MONDAY_NOON, vendor_reference="CC-1")
    take_back(ticket.id, TUESDAY_TEN)
    paused = business_minutes_between(calendar_of(office), MONDAY_NOON, TUESDAY_TEN)
    assert paused == 6 * 60  # Monday 13-17 and Tuesday 09-11 in Berlin
    # Tuesday 13:00 + 6 business hours = Wednesday 11:00 in Berlin.
    assert clock(ticket.id, SlaTarget.resolution).due_at == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    # The tier-3 clock starts at the return, untouched by the pause that just ended.
    assert clock(ticket.id, SlaTarget.tier_dwell).due_at == TUESDAY_TEN + timedelta(hours=1)
    ticket = fresh(ticket.id)
    assert pauses(ticket.id) == [("vendor", MONDAY_NOON, TUESDAY_TEN)]
    assert (ticket.vendor_id, ticket.vendor_reference, ticket.vendor_due_at) == (None, None, None)
    assert ticket.sla_next_check_at is not None


def test_without_the_pause_the_customer_clock_keeps_running(office, cloudco, now):
    ticket = opened(now)
    resolution_due = clock(ticket.id, SlaTarget.resolution).due_at
    hand_off(ticket.id, cloudco.id, MONDAY_NOON, vendor_pauses_clock=False)
    take_back(ticket.id, TUESDAY_TEN)
    assert pauses(ticket.id) == []
    assert clock(ticket.id, SlaTarget.resolution).due_at == resolution_due


def test_turning_the_pause_on_and_off_later_shifts_by_the_time_in_between(office, cloudco, now):
    ticket = opened(now)
    resolution_due = clock(ticket.id, SlaTarget.resolution).due_at
    hand_off(ticket.id, cloudco.id, MONDAY_NOON, vendor_pauses_clock=False)
    coordinator = make_agent(tier=4)
    due = fresh(ticket.id).vendor_due_at
    on_at, off_at = MONDAY_NOON + timedelta(hours=1), MONDAY_NOON + timedelta(hours=3)
    edit_vendor_details(
        coordinator,
        ticket.id,
        vendor_team_id=cloudco.id,
        reference=None,
        due_at=due,
        pauses_clock=True,
        now=on_at,
    )
    assert fresh(ticket.id).sla_next_check_at is None
    edit_vendor_details(
        coordinator,
        ticket.id,
        vendor_team_id=cloudco.id,
        reference=None,
        due_at=due,
        pauses_clock=False,
        now=off_at,
    )
    assert pauses(ticket.id) == [("vendor", on_at, off_at)]
    # Two business hours paused (14:00-16:00 in Berlin): Tuesday 13:00 becomes 15:00.
    assert clock(ticket.id, SlaTarget.resolution).due_at == resolution_due + timedelta(hours=2)


def test_on_hold_while_with_the_vendor_records_each_stretch_once(office, cloudco, now):
    ticket = opened(now)
    resolution_due = clock(ticket.id, SlaTarget.resolution).due_at
    hand_off(ticket.id, cloudco.id, MONDAY_NOON)
    coordinator = make_agent(tier=4)
    hold, back = MONDAY_NOON + timedelta(hours=1), MONDAY_NOON + timedelta(hours=2)
    change_status(coordinator, ticket.id, "on_hold", now=hold)
    change_status(coordinator, ticket.id, "open", now=back)
    assert fresh(ticket.id).sla_next_check_at is None  # still waiting on the vendor
    take_back(ticket.id, MONDAY_NOON + timedelta(hours=3))
    assert pauses(ticket.id) == [
        ("vendor", MONDAY_NOON, hold),
        ("on_hold", hold, back),
        ("vendor", back, MONDAY_NOON + timedelta(hours=3)),
    ]
    assert clock(ticket.id, SlaTarget.resolution).due_at == resolution_due + timedelta(hours=3)


def test_solving_with_the_vendor_ends_the_pause(office, cloudco, now):
    ticket = opened(now)
    hand_off(ticket.id, cloudco.id, MONDAY_NOON)
    change_status(make_agent(tier=4), ticket.id, "solved", now=TUESDAY_TEN)
    assert pauses(ticket.id) == [("vendor", MONDAY_NOON, TUESDAY_TEN)]


def test_the_reference_can_follow_and_each_change_is_in_the_history(office, cloudco, now):
    ticket = opened(now)
    hand_off(ticket.id, cloudco.id, MONDAY_NOON)
    assert fresh(ticket.id).vendor_reference is None
    later = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
    edit_vendor_details(
        make_agent(tier=4),
        ticket.id,
        vendor_team_id=cloudco.id,
        reference="CC-77",
        due_at=later,
        pauses_clock=True,
        now=MONDAY_NOON + timedelta(hours=1),
    )
    ticket = fresh(ticket.id)
    assert (ticket.vendor_reference, ticket.vendor_due_at) == ("CC-77", later)
    summaries = db.session.scalars(
        select(Activity.summary).where(Activity.kind == ActivityKind.vendor_updated).order_by(Activity.id)
    ).all()
    assert len(summaries) == 2
    assert "reference none → CC-77" in summaries[1]
    assert "due 2026-03-03 12:00 UTC → 2026-03-04 17:00 UTC" in summaries[1]


def test_vendor_details_are_read_only_below_tier_four(office, cloudco, now):
    ticket = opened(now)
    hand_off(ticket.id, cloudco.id, MONDAY_NOON)
    with pytest.raises(NotAllowed):
        edit_vendor_details(
            make_agent(tier=1),
            ticket.id,
            vendor_team_id=cloudco.id,
            reference="CC-1",
            due_at=None,
            pauses_clock=True,
            now=MONDAY_NOON,
        )
    assert fresh(ticket.id).vendor_reference is None


def test_no_vendor_details_to_edit_away_from_tier_four(office, cloudco, now):
    ticket = opened(now)
    with pytest.raises(InvalidInput, match="No vendor holds this ticket"):
        edit_vendor_details(
            make_admin(),
            ticket.id,
            vendor_team_id=cloudco.id,
            reference="CC-1",
            due_at=None,
            pauses_clock=True,
            now=MONDAY_NOON,
        )


def test_a_refused_handoff_changes_nothing(office, cloudco, now):
    ticket = opened(now)
    with pytest.raises(InvalidInput) as error:
        hand_off(ticket.id, cloudco.id, MONDAY_NOON, vendor_due_at=MONDAY_NOON - timedelta(hours=1))
    assert error.value.field == "vendor_due_at"
    ticket = fresh(ticket.id)
    assert (ticket.tier, ticket.vendor_id) == (1, None) and pauses(ticket.id) == []


def test_a_ticket_the_sweep_raises_to_tier_four_carries_no_earlier_vendor(office, cloudco, now):
    ticket = opened(now)
    hand_off(ticket.id, cloudco.id, MONDAY_NOON, vendor_reference="CC-1")
    take_back(ticket.id, TUESDAY_TEN)
    assert sweep_sla(TUESDAY_TEN + timedelta(hours=2)).raised == 1  # an hour at tier 3
    ticket = fresh(ticket.id)
    assert (ticket.tier, ticket.vendor_id, ticket.vendor_pauses_clock) == (4, None, False)
    assert [p[0] for p in pauses(ticket.id)] == ["vendor"]
    assert ticket.sla_next_check_at is not None
    # Raised to tier 4 with nobody holding it: the vendor form hands it over from there.
    handed = edit_vendor_details(
        make_agent(tier=4),
        ticket.id,
        vendor_team_id=cloudco.id,
        reference="CC-2",
        due_at=None,
        pauses_clock=True,
        now=TUESDAY_TEN + timedelta(hours=3),
    )
    assert (handed.vendor_id, handed.team_id, handed.vendor_reference) == (cloudco.id, cloudco.id, "CC-2")
    assert handed.vendor_due_at == TUESDAY_TEN + timedelta(hours=3 + 24)
    assert [p[0] for p in pauses(ticket.id)] == ["vendor", "vendor"]


def test_a_rule_taking_the_ticket_back_in_the_sweep_clears_the_vendor(office, cloudco, now):
    save_rule(
        make_admin(),
        {
            "name": "Stale vendor tickets come back",
            "trigger": "sla_breached",
            "actions": [{"kind": "lower_tier"}],
        },
        now=now,
    )
    ticket = opened(now)
    hand_off(ticket.id, cloudco.id, MONDAY_NOON, vendor_reference="CC-1", vendor_pauses_clock=False)
    sweep_sla(MONDAY_NOON + timedelta(hours=2))  # an hour at tier 4 went by
    ticket = fresh(ticket.id)
    assert ticket.tier == 3
    assert (ticket.vendor_id, ticket.vendor_reference, ticket.vendor_due_at) == (None, None, None)


def test_a_vendor_pause_takes_the_time_pressure_out_of_the_risk_rank(office, cloudco, now):
    """A paused clock does not run towards a breach, so its ticket is not ranked as if it did,
    whether the rank comes from the hand-off itself or from the scheduled re-ranking."""
    ticket = opened(now)
    late = MONDAY_NOON + timedelta(hours=3)
    hand_off(ticket.id, cloudco.id, late)
    assert fresh(ticket.id).risk_pressure == 0
    db.session.execute(update(Ticket).where(Ticket.id == ticket.id).values(risk_pressure=500))
    db.session.commit()
    rank_all_active(late)
    assert fresh(ticket.id).risk_pressure == 0


def test_a_ticket_back_from_the_vendor_goes_to_the_agent_who_handed_it_off(office, cloudco, now):
    expert_team = make_team(name="Experts", tier=3)
    expert = make_agent(tier=3, name="Esther", team_id=expert_team.id)
    ticket = opened(now)
    change_tier(expert, ticket.id, 3, "needs an engineer", reason_code="needs_expertise", now=now)
    change_tier(
        expert, ticket.id, 4, "provider bug", reason_code="vendor_issue", vendor_team_id=cloudco.id, now=now
    )
    assert fresh(ticket.id).tier == 4
    take_back(ticket.id, TUESDAY_TEN)
    ticket = fresh(ticket.id)
    assert (ticket.tier, ticket.assignee_id, ticket.team_id) == (3, expert.id, expert_team.id)
    summaries = db.session.scalars(
        select(Activity.summary).where(Activity.kind == ActivityKind.ticket_assigned)
    ).all()
    assert f"{ticket.reference} assigned to Esther (Experts, back from the vendor)" in summaries


def test_a_ticket_back_from_the_vendor_goes_to_the_queue_while_that_agent_is_away(office, cloudco, now):
    expert = make_agent(tier=3)
    ticket = opened(now)
    change_tier(
        expert, ticket.id, 4, "provider bug", reason_code="vendor_issue", vendor_team_id=cloudco.id, now=now
    )
    expert.away = True
    db.session.commit()
    take_back(ticket.id, TUESDAY_TEN)
    assert fresh(ticket.id).assignee_id != expert.id
