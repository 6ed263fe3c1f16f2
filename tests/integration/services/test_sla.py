"""The SLA clock and sweep on a real database: targets, pauses, exactly-once bumps."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.escalation import Trigger
from app.domain.sla import Targets
from app.domain.sla_vocabulary import SlaBadge, SlaEventKind, SlaTarget
from app.domain.vocabulary import AccountTier, TierChangeCause
from app.extensions import db
from app.models import Notification, SlaClock, SlaEvent, SlaPause, Ticket, TierChange
from app.services.common.lease import hold_lease
from app.services.rules.admin import save_rule
from app.services.sla import clock as sla_clock
from app.services.sla.setup import OFFICE_HOURS, save_calendar, save_policy
from app.services.sweep.sweep import SweepSummary, sweep_sla, sweep_ticket
from app.services.tickets.changes import change_priority, change_status
from app.services.tickets.conversation import add_reply
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer, make_org, make_team

# Targets in business minutes: first response 30, next 60, resolution 600, dwell 60 per tier.
TARGETS = Targets(30, 60, 600, (60, 60, 60, 60, 60), warn_percent=50)


@pytest.fixture
def policy(now):
    admin = make_admin()
    always = save_calendar(admin, name="24x7", timezone="UTC", weekly_hours={}, always_open=True)
    return save_policy(
        admin, name="Standard", calendar_id=always.id, is_default=True, targets=TARGETS, now=now
    )


def fresh(ticket_id: int) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def events(kind: SlaEventKind | None = None) -> int:
    query = select(func.count()).select_from(SlaEvent)
    if kind is not None:
        query = query.where(SlaEvent.kind == kind)
    return db.session.scalar(query)


def opened(now, **kw) -> Ticket:
    return open_ticket(make_customer(**kw).user, subject="Broken", description="x", now=now)


def test_a_new_ticket_gets_its_policy_with_the_reason_and_three_clocks(policy, now):
    ticket = opened(now)
    assert ticket.sla_policy_id == policy.id
    assert ticket.sla_policy_reason.startswith("Standard: the default policy")
    targets = sorted(c.target.value for c in db.session.scalars(select(SlaClock)))
    assert targets == ["first_response", "resolution", "tier_dwell"]
    assert ticket.sla_next_check_at == now + timedelta(minutes=15)  # half of first response


def test_the_most_specific_policy_wins(policy, now):
    admin = make_admin()
    strategic = save_policy(
        admin,
        name="Strategic",
        calendar_id=policy.calendar_id,
        account_tier="strategic",
        targets=TARGETS,
        now=now,
    )
    ticket = opened(now, organization=make_org(account_tier=AccountTier.strategic))
    assert ticket.sla_policy_id == strategic.id
    assert "account tier strategic, any priority" in ticket.sla_policy_reason


def test_a_stale_ticket_is_raised_one_tier_exactly_once(policy, now):
    ticket = opened(now)
    summary = sweep_sla(now + timedelta(minutes=61))
    assert (summary.breached, summary.raised) == (2, 1)  # first response and tier time
    ticket = fresh(ticket.id)
    assert ticket.tier == 2 and ticket.sla_badge is SlaBadge.breached
    change = db.session.scalars(select(TierChange)).one()
    assert change.cause is TierChangeCause.sla
    again = sweep_sla(now + timedelta(minutes=61))
    assert (again.checked, again.breached, again.raised) == (0, 0, 0)
    assert fresh(ticket.id).tier == 2 and events(SlaEventKind.breach) == 2


def test_a_late_sweep_after_an_outage_bumps_once_per_breach(policy, now):
    ticket = opened(now)
    add_reply(make_agent(tier=4), ticket.id, "Looking", now=now + timedelta(minutes=1))
    summary = sweep_sla(now + timedelta(hours=3))
    assert summary.raised == 1
    assert fresh(ticket.id).tier == 2
    # The new tier clock started when the ticket was raised, not when it should have been.
    assert sweep_sla(now + timedelta(hours=3, minutes=59)).raised == 0
    assert sweep_sla(now + timedelta(hours=4, minutes=1)).raised == 1


def test_warnings_come_before_breaches_and_only_once(policy, now):
    opened(now)
    first = sweep_sla(now + timedelta(minutes=16))
    second = sweep_sla(now + timedelta(minutes=17))
    assert (first.warned, second.warned) == (1, 0)
    assert events(SlaEventKind.warning) == 1


def test_an_agent_reply_meets_first_response(policy, now):
    ticket = opened(now)
    add_reply(make_agent(tier=1), ticket.id, "Hi!", now=now + timedelta(minutes=10))
    sweep_sla(now + timedelta(minutes=45))
    assert db.session.scalars(select(SlaEvent.target).where(SlaEvent.kind == SlaEventKind.breach)).all() == []


def test_time_waiting_on_the_customer_does_not_count(policy, now):
    agent = make_agent(tier=1)
    ticket = opened(now)
    add_reply(agent, ticket.id, "Which browser?", status="pending", now=now + timedelta(minutes=10))
    assert fresh(ticket.id).sla_next_check_at is None
    assert sweep_sla(now + timedelta(hours=5)).checked == 0
    change_status(agent, ticket.id, "open", now=now + timedelta(hours=5))
    pause = db.session.scalars(select(SlaPause)).one()
    assert pause.ended_at == now + timedelta(hours=5)
    dwell = db.session.scalars(
        select(SlaClock).where(SlaClock.target == SlaTarget.tier_dwell, SlaClock.satisfied_at.is_(None))
    ).one()
    # 60 minutes of tier time, started at the reply (+10m), paused from +10m to +5h.
    assert dwell.due_at == now + timedelta(hours=6)
    assert sweep_sla(now + timedelta(hours=5, minutes=59)).breached == 0
    assert sweep_sla(now + timedelta(hours=6, minutes=1)).raised == 1


def test_tier_four_never_goes_higher_and_notifies_instead(policy, now):
    vendor_team = make_team(name="CloudCo", tier=4, is_external=True)
    coordinator = make_agent(tier=4, team_id=vendor_team.id)
    ticket = opened(now)
    ticket.tier, ticket.team_id = 4, vendor_team.id
    db.session.commit()
    sla_clock.on_tier_change(fresh(ticket.id), now)
    db.session.commit()
    summary = sweep_sla(now + timedelta(hours=2))
    assert summary.raised == 0 and fresh(ticket.id).tier == 4
    notes = db.session.scalars(select(Notification.recipient_email)).all()
    assert coordinator.email in notes


def test_an_agent_reply_committed_during_a_sweep_is_kept(app, policy, now):
    ticket = opened(now)
    due = now + timedelta(minutes=61)
    swept = db.session.get(Ticket, ticket.id)  # the sweep has read the ticket ...
    with app.app_context():  # ... when an agent, in another session, answers and commits
        add_reply(make_agent(tier=1), ticket.id, "Fixed it", now=now + timedelta(minutes=60))
        db.session.remove()
    summary = sweep_ticket(swept, due)
    db.session.rollback()
    assert summary.skipped == 1
    bodies = db.session.scalars(select(func.count()).select_from(SlaEvent)).one()
    assert bodies == 0
    sweep_sla(due)  # the next run sees the reply: the first response was met in time
    assert db.session.scalars(select(SlaEvent.target)).all() == []
    assert fresh(ticket.id).tier == 1


def test_two_sweeps_at_once_record_each_breach_once(app, policy, now):
    ids = [opened(now).id for _ in range(40)]
    db.session.remove()
    due = now + timedelta(minutes=61)
    results = []

    def sweep():
        with app.app_context():
            results.append(sweep_sla(due))
            db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sweep_sla(due)  # anything a busy sweep left is picked up by the next one
    assert events(SlaEventKind.breach) == 2 * len(ids)
    assert db.session.scalar(select(func.count()).select_from(TierChange)) == len(ids)
    assert {fresh(i).tier for i in ids} == {2}


def office_policy(now):
    admin = make_admin()
    office = save_calendar(
        admin, name="Office", timezone="Europe/Berlin", weekly_hours=OFFICE_HOURS, holidays_country="DE"
    )
    save_policy(admin, name="Office policy", calendar_id=office.id, is_default=True, targets=TARGETS, now=now)


def test_the_weekend_does_not_count_on_an_office_hours_calendar(now):
    office_policy(now)
    opened(now.replace(day=6, hour=15, minute=55))  # Friday 16:55 in Berlin
    assert sweep_sla(now.replace(day=7, hour=12)).checked == 0  # Saturday: nothing due
    monday = sweep_sla(now.replace(day=9, hour=8, minute=11))  # Monday 09:11 in Berlin
    assert (monday.warned, monday.breached) == (1, 0)  # 5 + 10 business minutes


def test_notices_outside_business_hours_wait_for_the_opening(now):
    office_policy(now)
    ticket = opened(now.replace(day=6, hour=15, minute=30))  # Friday 16:30 in Berlin
    summary = sweep_sla(now.replace(day=6, hour=17))  # Friday 18:00: first response missed
    assert summary.breached == 1
    notices = db.session.scalars(
        select(Notification).where(
            Notification.ticket_id == ticket.id, Notification.recipient_kind != "customer"
        )
    )
    assert {n.not_before for n in notices} == {now.replace(day=9, hour=8, minute=0)}


def test_the_lease_admits_one_scheduler_until_it_expires(now):
    ttl = timedelta(minutes=3)
    assert hold_lease("scheduler", "a", now, ttl)
    assert not hold_lease("scheduler", "b", now + timedelta(minutes=1), ttl)
    assert hold_lease("scheduler", "a", now + timedelta(minutes=2), ttl)  # renewal
    assert not hold_lease("scheduler", "b", now + timedelta(minutes=4), ttl)
    assert hold_lease("scheduler", "b", now + timedelta(minutes=5, seconds=1), ttl)


def test_the_sweep_command_prints_a_json_summary(runner, policy, now):
    opened(now)
    result = runner.invoke(args=["sla", "sweep", "--now", (now + timedelta(minutes=61)).isoformat()])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"checked": 1, "warned": 0, "breached": 2, "raised": 1, "skipped": 0}
    bad = runner.invoke(args=["sla", "sweep", "--now", "yesterday"])
    assert bad.exit_code == 2 and "is not an ISO time" in bad.output


@pytest.mark.parametrize(
    "edge", ["9999-12-31T23:59:59+00:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+00:00"]
)
def test_the_sweep_command_refuses_times_no_deadline_can_be_counted_from(runner, policy, now, edge):
    opened(now)
    result = runner.invoke(args=["sla", "sweep", "--now", edge])
    assert result.exit_code == 2, result.output
    assert "Give a time between the years 1970 and 8999" in result.output


def test_a_new_priority_can_bring_a_tighter_policy_and_re_times_the_clocks(policy, now):
    admin = make_admin()
    urgent = save_policy(
        admin,
        name="Urgent",
        calendar_id=policy.calendar_id,
        priority="urgent",
        targets=Targets(10, 20, 120, (20, 20, 20, 20, 20)),
        now=now,
    )
    ticket = opened(now)
    change_priority(make_agent(tier=1), ticket.id, "urgent", now=now + timedelta(minutes=5))
    ticket = fresh(ticket.id)
    assert ticket.sla_policy_id == urgent.id and "priority urgent" in ticket.sla_policy_reason
    first = db.session.scalars(select(SlaClock).where(SlaClock.target == SlaTarget.first_response)).one()
    assert (first.minutes, first.due_at) == (10, now + timedelta(minutes=10))


def test_a_rule_on_the_breach_overrides_the_default_bump(policy, now):
    save_rule(
        make_admin(),
        {
            "name": "Stale goes to experts",
            "trigger": "sla_breached",
            "actions": [{"kind": "set_tier", "value": 3}],
        },
        now=now,
    )
    ticket = opened(now)
    summary = sweep_sla(now + timedelta(minutes=61))
    assert summary.raised == 0
    assert fresh(ticket.id).tier == 3
    causes = db.session.scalars(select(TierChange.cause)).all()
    assert causes == [TierChangeCause.rule]


def test_a_batch_that_meets_an_agents_reply_leaves_the_ticket_to_the_careful_path(app, policy, now):
    from app.services.sweep.sweep import _Pass, _sweep_together

    ids = [opened(now).id for _ in range(3)]
    due = now + timedelta(minutes=61)
    batch = [db.session.get(Ticket, i) for i in ids]  # the sweep has read its batch ...
    with app.app_context():  # ... when an agent answers one of them in another session
        add_reply(make_agent(tier=1), ids[1], "On it", now=now + timedelta(minutes=60))
        db.session.remove()
    summary = SweepSummary()
    assert (
        _sweep_together(batch, _Pass(due, {Trigger.sla_warning: [], Trigger.sla_breached: []}, {}), summary)
        is False
    )
    db.session.rollback()
    assert events() == 0  # nothing of the batch was kept
    sweep_sla(due)
    assert [fresh(i).tier for i in ids] == [2, 1, 2]
