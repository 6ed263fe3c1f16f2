"""Escalation rules on a real database: routing on events, the admin's rule set, dry-runs."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import func, select, text

from app.domain.errors import NotAllowed, NotFound
from app.domain.rule_parsing import RuleInvalid
from app.domain.vocabulary import AccountTier, LoyaltySegment, Status, TierChangeCause
from app.extensions import db
from app.models import Activity, EscalationRule, Notification, Ticket, TicketTag, TierChange
from app.services.rules.admin import delete_rule, move_rule, save_rule, set_rule_enabled
from app.services.rules.defaults import install_default_rules
from app.services.rules.dry_run import dry_run
from app.services.rules.engine import enabled_rules
from app.services.tickets.conversation import add_reply, reopen_ticket
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer, make_org, make_team, make_ticket


def rule_data(name="Strategic urgent to tier 2", **overrides) -> dict:
    data = {
        "name": name,
        "trigger": "ticket_created",
        "conditions": [
            {"field": "account_tier", "operator": "eq", "value": "strategic"},
            {"field": "priority", "operator": "eq", "value": "urgent"},
        ],
        "actions": [{"kind": "set_tier", "value": 2}],
    }
    data.update(overrides)
    return data


def strategic_customer():
    return make_customer(organization=make_org(account_tier=AccountTier.strategic))


def test_a_new_ticket_is_routed_by_the_rules_and_the_timeline_names_the_rule(now):
    save_rule(make_admin(), rule_data(), now=now)
    ticket = open_ticket(
        strategic_customer().user, subject="Down", description="All down", priority="urgent", now=now
    )
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.tier == 2 and ticket.escalation_count == 1
    change = db.session.scalars(select(TierChange).where(TierChange.ticket_id == ticket.id)).one()
    assert (change.from_tier, change.to_tier, change.cause) == (1, 2, TierChangeCause.rule)
    assert change.rule_name == "Strategic urgent to tier 2"
    summaries = db.session.scalars(
        select(Activity.summary).where(Activity.ticket_id == ticket.id, Activity.kind == "rule_fired")
    ).all()
    assert summaries == [
        f"Rule 'Strategic urgent to tier 2' fired on {ticket.reference} (ticket opened): tier 1 → 2"
    ]


def test_a_rule_that_does_not_match_leaves_the_ticket_alone(now):
    save_rule(make_admin(), rule_data(), now=now)
    ticket = open_ticket(
        strategic_customer().user, subject="Question", description="How?", priority="normal", now=now
    )
    assert ticket.tier == 1
    assert db.session.scalar(select(func.count()).select_from(TierChange)) == 0


def test_the_security_default_routes_to_expert_urgent_and_tags(now):
    install_default_rules(make_admin(), now=now)
    ticket = open_ticket(
        make_customer().user, subject="We were hacked", description="Someone got in", now=now
    )
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert (ticket.tier, ticket.priority.value) == (3, "urgent")
    assert db.session.get(TicketTag, (ticket.id, "security")) is not None


def test_reopened_twice_raises_one_tier_once_per_reopen(now):
    install_default_rules(make_admin(), now=now)
    ticket = make_ticket(status=Status.solved, reopen_count=1)
    reopen_ticket(ticket.customer.user, ticket.id, now=now)
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert (ticket.reopen_count, ticket.tier) == (2, 2)
    assert db.session.get(TicketTag, (ticket.id, "reopened-often")) is not None


def test_a_customer_reply_to_a_solved_ticket_fires_the_reopen_rules(now):
    save_rule(
        make_admin(),
        rule_data(
            name="Reopen up", trigger="ticket_reopened", conditions=[], actions=[{"kind": "raise_tier"}]
        ),
        now=now,
    )
    ticket = make_ticket(status=Status.solved)
    add_reply(ticket.customer.user, ticket.id, "Still broken", now=now)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).tier == 2


def test_notify_queues_a_notification_for_the_account_manager(now):
    manager = make_agent(tier=1, name="Maya Manager")
    org = make_org(account_manager_id=manager.id, loyalty_segment=LoyaltySegment.active_disloyal)
    save_rule(
        make_admin(),
        rule_data(
            name="Tell the manager",
            conditions=[{"field": "loyalty_segment", "operator": "eq", "value": "active_disloyal"}],
            actions=[{"kind": "notify", "value": "account_manager"}],
        ),
        now=now,
    )
    ticket = open_ticket(make_customer(organization=org).user, subject="Meh", description="x", now=now)
    note = db.session.scalars(select(Notification).where(Notification.recipient_kind != "customer")).one()
    assert (note.recipient_email, note.ticket_id, note.rule_name) == (
        manager.email,
        ticket.id,
        "Tell the manager",
    )
    assert ticket.reference in note.subject


def test_assign_agent_is_skipped_for_an_agent_below_the_tickets_tier(now):
    junior = make_agent(tier=1)
    admin = make_admin()
    save_rule(
        admin,
        rule_data(
            name="Up and assign",
            conditions=[],
            actions=[{"kind": "set_tier", "value": 3}, {"kind": "assign_agent", "value": junior.id}],
        ),
        now=now,
    )
    ticket = open_ticket(make_customer().user, subject="Deep bug", description="x", now=now)
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert (ticket.tier, ticket.assignee_id) == (3, None)


def test_assign_team_moves_the_ticket_to_that_team(now):
    team = make_team(name="Technical", tier=2)
    save_rule(
        make_admin(),
        rule_data(actions=[{"kind": "set_tier", "value": 2}, {"kind": "assign_team", "value": team.id}]),
        now=now,
    )
    ticket = open_ticket(strategic_customer().user, subject="x", description="y", priority="urgent", now=now)
    assert ticket.team_id == team.id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"conditions": [{"field": "colour", "operator": "eq", "value": "red"}]}, "unknown field"),
        ({"conditions": [{"field": "age_hours", "operator": "gte", "value": "old"}]}, "needs a number"),
        ({"conditions": [{"field": "text", "operator": "matches", "value": "[a-"}]}, "pattern"),
        (
            {"conditions": [{"field": "text", "operator": "matches", "value": "(x+x+)+y"}]},
            "repeat inside a repeat",
        ),
        ({"actions": [{"kind": "assign_team", "value": 12345}]}, "no team"),
    ],
)
def test_a_malformed_rule_is_refused_and_the_rule_set_is_unchanged(now, overrides, message):
    admin = make_admin()
    existing = save_rule(admin, rule_data(), now=now)
    before = [r.as_data() for r in db.session.scalars(select(EscalationRule))]
    with pytest.raises(RuleInvalid, match=message):
        save_rule(admin, rule_data(name="New", **overrides), now=now)
    with pytest.raises(RuleInvalid, match=message):
        save_rule(admin, rule_data(**overrides), rule_id=existing.id, now=now)
    db.session.expire_all()
    assert [r.as_data() for r in db.session.scalars(select(EscalationRule))] == before


def test_only_admins_manage_rules(now):
    with pytest.raises(NotAllowed):
        save_rule(make_agent(tier=4), rule_data(), now=now)


def test_rules_reorder_enable_disable_and_delete(now):
    admin = make_admin()
    first = save_rule(admin, rule_data(name="A"), now=now)
    second = save_rule(admin, rule_data(name="B"), now=now)
    move_rule(admin, second.id, "up", now=now)
    assert [r.name for r in enabled_rules()] == ["B", "A"]
    set_rule_enabled(admin, second.id, False, now=now)
    assert [r.name for r in enabled_rules()] == ["A"]
    delete_rule(admin, first.id, now=now)
    with pytest.raises(NotFound):
        delete_rule(admin, first.id, now=now)
    assert db.session.scalars(select(EscalationRule.name)).all() == ["B"]


def _checksum() -> str:
    digest = hashlib.sha256()
    for table in sorted(db.metadata.sorted_tables, key=lambda t: t.name):
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        digest.update(table.name.encode())
        digest.update(json.dumps([list(r) for r in rows], default=str).encode())
    return digest.hexdigest()


def test_a_dry_run_reports_what_would_fire_and_changes_no_row(now):
    admin = make_admin()
    install_default_rules(admin, now=now)
    strategic = strategic_customer()
    for n in range(3):
        make_ticket(strategic, priority="urgent", subject=f"Down {n}", created_at=now)
    make_ticket(subject="Data breach suspected", created_at=now)
    make_ticket(subject="Old", created_at=now.replace(year=2025))
    before = _checksum()
    report = dry_run(admin, enabled_rules(), days=30, now=now)
    db.session.execute(text("SELECT 1"))
    assert _checksum() == before
    assert report.examined == 4 and report.matched == 4
    assert report.totals["Strategic account, urgent request: straight to Technical"].fired == 3
    assert report.totals["Security words go to Expert, urgent"].changes == {
        "set_tier": 1,
        "set_priority": 1,
        "add_tag": 1,
    }
    assert {o.reference for o in report.outcomes} == set(
        db.session.scalars(select(Ticket.reference).where(Ticket.created_at == now)).all()
    )
