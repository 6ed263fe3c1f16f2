"""The sweep's batch path writes exactly what checking the tickets one by one writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.domain.escalation import Trigger
from app.extensions import db
from app.models import Activity, Notification, SlaClock, SlaEvent, Ticket, TierChange
from app.services import sla_clock
from app.services.rule_engine import enabled_rules
from app.services.rules import save_rule
from app.services.sla import SweepSummary, _Pass, _sweep_together, sweep_sla, sweep_ticket
from app.services.sla_reads import due_batch, names_of
from tests.factories import make_admin, make_agent, make_team
from tests.integration.services.test_sla import fresh, opened, policy  # noqa: F401 (a fixture)

# Every column the sweep may write, except ids of new rows, the ticket's version counter (the
# one-by-one path flushes more often; what matters is that each sweep moved it on) and the risk
# refresh time, which a whole sweep sets after its batches for the customers it breached.
TABLES = {Activity: {"id"}, TierChange: {"id"}, SlaEvent: {"id"}, Notification: {"id"},
          SlaClock: {"id"}, Ticket: {"version", "risk_refresh_at"}}


def rows_written() -> dict[str, list[tuple]]:
    db.session.expire_all()
    found = {}
    for model, skipped in TABLES.items():
        columns = [c for c in model.__table__.c if c.name not in skipped]
        found[model.__tablename__] = sorted(
            tuple(repr(value) for value in row) for row in db.session.execute(select(*columns)))
    return found


def at_tier(ticket_id: int, tier: int, team_id: int | None, assignee_id: int | None, now) -> None:
    ticket = fresh(ticket_id)
    ticket.tier, ticket.team_id, ticket.assignee_id = tier, team_id, assignee_id
    db.session.commit()
    sla_clock.on_tier_change(fresh(ticket_id), now)
    db.session.commit()


def mixed_tickets(now) -> list[int]:
    """A frontline ticket held by a tier-1 team and agent, a vendor ticket at tier 4, an
    unheld one, and one that is only due for warnings."""
    frontline = make_team(name="Frontline", tier=1)
    vendor = make_team(name="CloudCo", tier=4, is_external=True)
    make_agent(tier=4, team_id=vendor.id)
    make_admin()
    held, external, unheld = opened(now).id, opened(now).id, opened(now).id
    at_tier(held, 1, frontline.id, make_agent(tier=1, team_id=frontline.id).id, now)
    at_tier(external, 4, vendor.id, None, now)
    warned_only = opened(now + timedelta(minutes=40)).id
    return [held, external, unheld, warned_only]


def one_by_one(due) -> SweepSummary:
    total = SweepSummary()
    tickets = db.session.scalars(select(Ticket).where(Ticket.sla_next_check_at <= due)
                                 .order_by(Ticket.sla_next_check_at, Ticket.id)).all()
    for ticket in tickets:
        summary = sweep_ticket(ticket, due)
        total.warned += summary.warned
        total.breached += summary.breached
        total.raised += summary.raised
    return total


@pytest.mark.parametrize("rule", [None, "set_tier", "notify"])
def test_a_batch_writes_what_the_ticket_by_ticket_path_writes(policy, now, rule):  # noqa: F811
    if rule is not None:
        action = {"kind": "set_tier", "value": 3} if rule == "set_tier" else {
            "kind": "notify", "value": "team"}
        save_rule(make_admin(), {"name": f"On breach: {rule}", "trigger": "sla_breached",
                                 "actions": [action]}, now=now)
    ids = mixed_tickets(now)
    due = now + timedelta(minutes=61)
    versions = {i: fresh(i).version for i in ids}

    # pysqlite opens a transaction only before a write, and a savepoint outside one commits on
    # release: write nothing first, so the rollback below really undoes the one-by-one sweep.
    db.session.execute(update(Ticket).where(Ticket.id == 0).values(tier=0))
    expected_summary = one_by_one(due)
    expected = rows_written()
    db.session.rollback()
    assert expected_summary.warned >= 1 and expected_summary.breached >= 3

    if rule is None:  # nothing makes the batch read its own pending changes: it goes together
        rules = {t: enabled_rules(t) for t in (Trigger.sla_warning, Trigger.sla_breached)}
        tickets = due_batch(due, None, 100)
        sweep = _Pass(due, rules, {})
        sweep.names = names_of([t.id for t in tickets])
        summary = SweepSummary(checked=len(tickets))
        assert _sweep_together(tickets, sweep, summary) is True
        db.session.commit()
    else:
        summary = sweep_sla(due)

    assert (summary.warned, summary.breached, summary.raised) == (
        expected_summary.warned, expected_summary.breached, expected_summary.raised)
    assert rows_written() == expected
    assert all(fresh(i).version > versions[i] for i in ids)
