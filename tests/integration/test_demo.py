"""The demo data set: the accounts the README promises, spread data, idempotence."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain.vocabulary import AccountTier
from app.extensions import db
from app.models import EscalationRule, Organization, Ticket, TierChange, User
from app.services.demo import seed_demo
from tests.factories import make_user

ACCOUNTS = {
    "admin@demo.test": "/desk/",
    "frontline@demo.test": "/desk/",
    "technical@demo.test": "/desk/",
    "expert@demo.test": "/desk/",
    "vendor@demo.test": "/desk/",
    "customer@demo.test": "/portal/",
}


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Organization, Ticket, TierChange, EscalationRule)
    )


def test_no_demo_account_exists_before_seeding():
    assert db.session.scalars(select(User).where(User.email.in_(ACCOUNTS))).all() == []


@pytest.mark.parametrize(("email", "home"), ACCOUNTS.items())
def test_every_demo_account_signs_in_with_the_demo_password(client, email, home):
    seed_demo()
    response = client.post("/auth/login", data={"email": email, "password": "tierdesk-demo"})
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == home
    assert client.get(home, follow_redirects=True).status_code == 200


def test_agents_work_one_tier_each():
    seed_demo()
    tiers = dict(db.session.execute(
        select(User.email, User.support_tier).where(User.email.like("%@demo.test"),
                                                   User.role == "agent")
    ).all())
    assert tiers == {"frontline@demo.test": 1, "technical@demo.test": 2, "expert@demo.test": 3,
                     "vendor@demo.test": 4}


def test_the_data_covers_every_tier_and_account_tier():
    result = seed_demo()
    assert result.created
    tickets = db.session.scalar(select(func.count()).select_from(Ticket))
    assert 180 <= tickets <= 220
    assert set(db.session.scalars(select(Ticket.tier).distinct())) == {0, 1, 2, 3, 4}
    assert set(db.session.scalars(select(Organization.account_tier).distinct())) == set(AccountTier)
    assert len(set(db.session.scalars(select(Ticket.status).distinct()))) == 6
    assert db.session.scalar(select(func.count()).select_from(TierChange)) > 50
    assert db.session.scalars(select(Ticket.vendor_reference).where(Ticket.tier == 4)).all()
    assert db.session.scalar(select(func.count()).select_from(EscalationRule)) >= 4


def test_seeding_twice_changes_nothing():
    seed_demo()
    before = counts()
    again = seed_demo()
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
