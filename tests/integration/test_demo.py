"""The demo data set: the accounts the README promises, spread data, idempotence.

The CLI test seeds an empty database; the others read the `demo` fixture, the data
`seed_demo(now=demo_now)` wrote once for the session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.demo.seed import seed_demo
from app.domain.tickets import format_reference
from app.domain.vocabulary import AccountTier, ActivityKind, Status, TierChangeCause
from app.extensions import db
from app.models import (
    Activity,
    CannedReply,
    EscalationRule,
    Message,
    Organization,
    Ticket,
    TierChange,
    User,
)
from tests.factories import make_user

ACCOUNTS = {
    "admin@demo.test": "/desk/reports/",
    "frontline@demo.test": "/desk/",
    "technical@demo.test": "/desk/",
    "expert@demo.test": "/desk/",
    "vendor@demo.test": "/desk/",
    "customer@demo.test": "/portal/",
}
# The tests about accounts and set-up tell only a few ticket stories.
FEW = 6


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Organization, Ticket, TierChange, EscalationRule, CannedReply)
    )


def test_no_demo_account_exists_before_seeding():
    assert db.session.scalars(select(User).where(User.email.in_(ACCOUNTS))).all() == []


@pytest.mark.parametrize(("email", "home"), ACCOUNTS.items())
def test_every_demo_account_signs_in_with_the_demo_password(client, demo, email, home):
    response = client.post("/auth/login", data={"email": email, "password": "tierdesk-demo"})
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == home
    assert client.get(home, follow_redirects=True).status_code == 200


def test_agents_work_one_tier_each(demo):
    tiers = dict(
        db.session.execute(
            select(User.email, User.support_tier).where(User.email.like("%@demo.test"), User.role == "agent")
        ).all()
    )
    assert tiers == {
        "frontline@demo.test": 1,
        "technical@demo.test": 2,
        "expert@demo.test": 3,
        "vendor@demo.test": 4,
    }


def test_the_data_covers_every_tier_and_account_tier(demo):
    tickets = db.session.scalar(select(func.count()).select_from(Ticket))
    assert 180 <= tickets <= 220
    assert set(db.session.scalars(select(Ticket.tier).distinct())) == {0, 1, 2, 3, 4}
    assert set(db.session.scalars(select(Organization.account_tier).distinct())) == set(AccountTier)
    assert len(set(db.session.scalars(select(Ticket.status).distinct()))) == 6
    assert db.session.scalar(select(func.count()).select_from(TierChange)) > 50
    assert db.session.scalars(select(Ticket.vendor_reference).where(Ticket.tier == 4)).all()
    assert db.session.scalar(select(func.count()).select_from(EscalationRule)) >= 4
    # Away from tier 1 by recorded moves: an agent's with a reason, a rule's or the sweep's.
    moved = set(db.session.scalars(select(TierChange.ticket_id)))
    assert set(db.session.scalars(select(Ticket.id).where(Ticket.tier != 1))) <= moved
    causes = set()
    for change in db.session.scalars(select(TierChange)):
        causes.add(change.cause)
        assert change.reason
        assert (change.actor is not None) == (change.cause is TierChangeCause.manual)
        if change.cause is not TierChangeCause.rule:
            assert abs(change.to_tier - change.from_tier) == 1
    assert TierChangeCause.manual in causes


def test_every_ticket_tells_a_consistent_story(demo, demo_now):
    now = demo_now
    tickets = db.session.scalars(select(Ticket)).all()
    prefix = current_app.config["TICKET_REFERENCE_PREFIX"]
    done = (Status.solved, Status.closed)
    for ticket in tickets:
        assert ticket.reference == format_reference(prefix, ticket.id)
        assert ticket.created_at <= ticket.updated_at <= now
        assert (ticket.solved_at is not None) == (ticket.status in done), ticket.reference
        assert (ticket.closed_at is not None) == (ticket.status is Status.closed), ticket.reference
        assert (ticket.first_responded_at is not None) == (ticket.status is not Status.new)
    public = dict(
        db.session.execute(
            select(Message.ticket_id, func.count())
            .where(Message.internal.is_(False))
            .group_by(Message.ticket_id)
        ).all()
    )
    assert set(public) >= {t.id for t in tickets if t.status is not Status.new}
    assert set(public.values()) <= set(range(1, 9))
    assert db.session.scalar(select(func.count()).select_from(Message).where(Message.internal))
    opened = db.session.scalar(
        select(func.count()).select_from(Activity).where(Activity.kind == ActivityKind.ticket_opened.value)
    )
    assert opened == len(tickets)
    assert db.session.scalar(select(func.max(Activity.created_at))) <= now
    assert_ranked()


def test_agents_find_shared_canned_replies_that_fill_in(demo):
    replies = db.session.scalars(select(CannedReply)).all()
    assert len(replies) >= 3 and all(r.owner_id is None for r in replies)
    assert all("{{customer.name}}" in r.body for r in replies)


def test_seeding_twice_changes_nothing(demo):
    before = counts()
    again = seed_demo(tickets=FEW)
    assert not again.created and "already" in again.message
    assert counts() == before


def test_if_empty_skips_a_database_that_has_users(runner):
    make_user()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "not loaded" in result.output
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_the_cli_seeds_an_empty_database(runner):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded" in result.output


def assert_ranked() -> None:
    active = db.session.scalars(
        select(Ticket).where(Ticket.status.in_((Status.new, Status.open, Status.pending, Status.on_hold)))
    ).all()
    done = db.session.scalars(select(Ticket).where(Ticket.status.in_((Status.solved, Status.closed)))).all()
    assert active and done
    weights = {
        AccountTier.strategic: 300,
        AccountTier.named: 200,
        AccountTier.field: 100,
        AccountTier.inside: 0,
    }
    for ticket in active:
        parts = (
            ticket.risk_pressure,
            ticket.risk_account,
            ticket.risk_value,
            ticket.risk_health,
            ticket.risk_priority,
        )
        assert ticket.risk_score == sum(parts)
        assert (ticket.risk_priority > 0) == (ticket.priority.value != "low")
        assert ticket.risk_account == weights[ticket.organization.account_tier]
    assert {t.risk_score for t in done} == {-1}
    assert any(t.risk_pressure > 0 for t in active) and any(t.risk_health > 0 for t in active)


def test_the_knowledge_base_has_a_history_for_the_self_service_report(client, demo, demo_now):
    from app.models import KbImpression, KbVote
    from app.services.reports.rollup import rebuild_rollups

    shown = db.session.scalar(select(func.count()).select_from(KbImpression))
    votes = db.session.scalar(select(func.count()).select_from(KbVote))
    answered = db.session.scalar(
        select(func.count()).select_from(Activity).where(Activity.kind == ActivityKind.kb_deflected)
    )
    assert shown > 50 and votes > 10 and answered > 10
    rebuild_rollups()
    client.post("/auth/login", data={"email": "admin@demo.test", "password": "tierdesk-demo"})
    since = (demo_now - timedelta(days=61)).date().isoformat()
    page = client.get(f"/desk/reports/self-service?start={since}").get_data(as_text=True)
    row = page[page.index("Suggestions shown on the request form") :]
    shown_on_page = int(row[row.index("<td") : row.index("</td>")].rsplit(">", 1)[1].replace(",", ""))
    assert shown_on_page > 0
