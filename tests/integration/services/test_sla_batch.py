"""The sweep's batch path writes exactly what checking the tickets one by one writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.domain.escalation import Trigger
from app.domain.sla import Targets
from app.extensions import db
from app.models import (
    Activity,
    Notification,
    SlaClock,
    SlaEvent,
    Ticket,
    TicketTag,
    TierChange,
)
from app.services.rules.admin import save_rule
from app.services.rules.engine import enabled_rules
from app.services.sla import clock as sla_clock
from app.services.sla.setup import save_policy
from app.services.sweep.batch_reads import due_batch, names_of
from app.services.sweep.sweep import SweepSummary, _Pass, _sweep_together, sweep_sla, sweep_ticket
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_team
from tests.integration.services.test_sla import fresh, opened, policy  # noqa: F401 (a fixture)

# Every column the sweep may write, except ids of new rows, the ticket's version counter (the
# one-by-one path flushes more often; what matters is that each sweep moved it on) and the risk
# refresh time, which a whole sweep sets after its batches for the customers it breached.
TABLES = {
    Activity: {"id"},
    TierChange: {"id"},
    SlaEvent: {"id"},
    Notification: {"id"},
    SlaClock: {"id"},
    TicketTag: set(),
    Ticket: {"version", "risk_refresh_at"},
}


def rows_written() -> dict[str, list[tuple]]:
    db.session.expire_all()
    found = {}
    for model, skipped in TABLES.items():
        columns = [c for c in model.__table__.c if c.name not in skipped]
        found[model.__tablename__] = sorted(
            tuple(repr(value) for value in row) for row in db.session.execute(select(*columns))
        )
    return found


def at_tier(ticket_id: int, tier: int, team_id: int | None, assignee_id: int | None, now) -> None:
    ticket = fresh(ticket_id)
    ticket.tier, ticket.team_id, ticket.assignee_id = tier, team_id, assignee_id
    db.session.commit()
    sla_clock.on_tier_change(fresh(ticket_id), now)
    db.session.commit()


def mixed_tickets(now) -> list[int]:
    """A frontline ticket held by a tier-1 team and agent, a vendor ticket at tier 4, an
    unheld one, one that is only due for warnings, and one of the unheld ticket's customer that
    is due for a breach (first response) and a warning (tier time) in the same pass."""
    frontline = make_team(name="Frontline", tier=1)
    vendor = make_team(name="CloudCo", tier=4, is_external=True)
    make_agent(tier=4, team_id=vendor.id)
    make_admin()
    held, external, unheld = opened(now).id, opened(now).id, opened(now).id
    at_tier(held, 1, frontline.id, make_agent(tier=1, team_id=frontline.id).id, now)
    at_tier(external, 4, vendor.id, None, now)
    warned_only = opened(now + timedelta(minutes=40)).id
    warned_and_breached = open_ticket(
        fresh(unheld).customer.user, subject="Still broken", description="y", now=now + timedelta(minutes=30)
    ).id
    return [held, external, unheld, warned_only, warned_and_breached]


def one_by_one(due) -> SweepSummary:
    total = SweepSummary()
    tickets = db.session.scalars(
        select(Ticket).where(Ticket.sla_next_check_at <= due).order_by(Ticket.sla_next_check_at, Ticket.id)
    ).all()
    for ticket in tickets:
        summary = sweep_ticket(ticket, due)
        total.warned += summary.warned
        total.breached += summary.breached
        total.raised += summary.raised
    return total


def sweep_as_one_batch(due) -> tuple[bool, SweepSummary]:
    """Sweep the due tickets as one batch; False (and nothing written) when it fell back."""
    rules = {t: enabled_rules(t) for t in (Trigger.sla_warning, Trigger.sla_breached)}
    tickets = due_batch(due, None, 100)
    sweep = _Pass(due, rules, {})
    sweep.names = names_of([t.id for t in tickets])
    summary = SweepSummary(checked=len(tickets))
    together = _sweep_together(tickets, sweep, summary)
    db.session.commit()
    return together, summary


def on(trigger: str, *actions: dict, conditions: tuple[dict, ...] = ()) -> dict:
    return {
        "name": f"{trigger}: {actions}",
        "trigger": trigger,
        "actions": list(actions),
        "conditions": list(conditions),
    }


def team_at_tier_one(mode: str) -> dict:
    team = make_team(name=f"Rule team ({mode})", tier=1, assignment_mode=mode)
    make_agent(tier=1, team_id=team.id)
    return on("sla_breached", {"kind": "assign_team", "value": team.id})


def urgent_policy(standard) -> None:
    """A priority of its own with shorter targets, so a rule's priority re-times the clocks."""
    save_policy(
        make_admin(),
        name="Urgent",
        calendar_id=standard.calendar_id,
        priority="urgent",
        targets=Targets(10, 20, 100, (20, 20, 20, 20, 20), warn_percent=50),
    )


def a_breach_moves_a_warning_reads_it(standard) -> list[dict]:
    """A breach rule's priority brings the resolution warning forward, the sweep raises the
    ticket when its re-timed tier time runs out, then the warning's rules read the new tier."""
    urgent_policy(standard)
    return [
        on("sla_breached", {"kind": "set_priority", "value": "urgent"}),
        on(
            "sla_warning",
            {"kind": "add_tag", "value": "warned-at-tier-2"},
            conditions=({"field": "tier", "operator": "eq", "value": 2},),
        ),
        on(
            "sla_warning",
            {"kind": "notify", "value": "admins"},
            conditions=({"field": "escalation_count", "operator": "gte", "value": 1},),
        ),
    ]


def a_breach_tags_a_warning_reads_it(_policy) -> list[dict]:
    """Within one pass a warning reads the tag a breach added and the breaches counted so far,
    as one ticket after another would see them."""
    return [
        on("sla_breached", {"kind": "add_tag", "value": "late"}),
        on(
            "sla_warning",
            {"kind": "set_priority", "value": "high"},
            conditions=({"field": "tags", "operator": "contains", "value": "late"},),
        ),
        on(
            "sla_warning",
            {"kind": "notify", "value": "admins"},
            conditions=({"field": "sla_breaches_90d", "operator": "gte", "value": 3},),
        ),
        on(
            "sla_breached",
            {"kind": "add_tag", "value": "troubled"},
            conditions=({"field": "health_score", "operator": "lte", "value": 75},),
        ),
    ]


RULE_CASES = {
    "no rule": lambda p: [],
    "set_tier": lambda p: [on("sla_breached", {"kind": "set_tier", "value": 3})],
    "notify": lambda p: [on("sla_breached", {"kind": "notify", "value": "team"})],
    "set_priority": lambda p: [on("sla_breached", {"kind": "set_priority", "value": "low"})],
    "set_priority, new policy": lambda p: (
        urgent_policy(p) or [on("sla_breached", {"kind": "set_priority", "value": "urgent"})]
    ),
    "add_tag": lambda p: [on("sla_breached", {"kind": "add_tag", "value": "late"})],
    "assign_team, manual": lambda p: [team_at_tier_one("manual")],
    "assign_agent": lambda p: [on("sla_breached", {"kind": "assign_agent", "value": make_agent(tier=1).id})],
    "warning": lambda p: [
        on(
            "sla_warning",
            {"kind": "add_tag", "value": "warned"},
            {"kind": "notify", "value": "assignee"},
            {"kind": "raise_tier"},
        )
    ],
    "warning and breach": a_breach_tags_a_warning_reads_it,
    "breach, raise, then warning": a_breach_moves_a_warning_reads_it,
    # Giving a ticket to the team's next agent locks the team's cursor, which needs a flush:
    # that batch goes one ticket at a time instead.
    "assign_team, round robin": lambda p: [team_at_tier_one("round_robin")],
}
GOES_ONE_BY_ONE = {"assign_team, round robin"}


@pytest.mark.parametrize("case", RULE_CASES)
def test_a_batch_writes_what_the_ticket_by_ticket_path_writes(policy, now, case):  # noqa: F811
    admin = make_admin()
    for rule in RULE_CASES[case](policy):
        save_rule(admin, rule, now=now)
    ids = mixed_tickets(now)
    due = now + timedelta(minutes=61)
    versions = {i: fresh(i).version for i in ids}

    # pysqlite opens a transaction only before a write, and a savepoint outside one commits on
    # release: write nothing first, so the rollback below really undoes the one-by-one sweep.
    db.session.execute(update(Ticket).where(Ticket.id == 0).values(tier=0))
    expected_summary = one_by_one(due)
    expected = rows_written()
    db.session.rollback()
    assert expected_summary.warned >= 1 and expected_summary.breached >= 4

    together, summary = sweep_as_one_batch(due)
    assert together is (case not in GOES_ONE_BY_ONE)
    if not together:
        assert rows_written()["sla_events"] == []  # the failed batch kept nothing
        summary = sweep_sla(due)

    assert (summary.warned, summary.breached, summary.raised) == (
        expected_summary.warned,
        expected_summary.breached,
        expected_summary.raised,
    )
    assert rows_written() == expected
    assert all(fresh(i).version > versions[i] for i in ids)
