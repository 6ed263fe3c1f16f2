"""Who may change what beyond seeing it: account facts are for admins, rating and reopening for
the person who asked, and an unconfirmed self-registered address joins no organization."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.domain.errors import NotAllowed
from app.domain.vocabulary import AccountTier, Status
from app.extensions import db
from app.models import Customer, Organization, Ticket
from app.services.relationship.changes import update_account
from app.services.relationship.contact_import import import_contacts
from app.services.tickets.conversation import add_reply, reopen_ticket
from app.services.tickets.ratings import rate_ticket
from tests.factories import make_admin, make_agent, make_customer, make_org, make_ticket, make_user

ACCOUNT = {"account_tier": "strategic", "lifecycle_stage": "expansion", "loyalty_segment": ""}


@pytest.mark.parametrize("tier", [1, 3])
def test_agents_cannot_change_account_facts(client, login_as, tier, now):
    org = make_org(account_tier=AccountTier.inside)
    agent = make_agent(tier=tier)
    with pytest.raises(NotAllowed):
        update_account(
            agent, org.id, account_tier="strategic", lifecycle_stage="expansion", loyalty_segment=None
        )
    login_as(agent)
    page = client.get(f"/desk/organizations/{org.id}").get_data(as_text=True)
    assert "Change account facts" not in page
    response = client.post(f"/desk/organizations/{org.id}/account", data=ACCOUNT)
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Organization, org.id).account_tier is AccountTier.inside


def test_admins_change_account_facts(client, login_as):
    org = make_org(account_tier=AccountTier.inside)
    login_as(make_admin())
    assert "Change account facts" in client.get(f"/desk/organizations/{org.id}").get_data(as_text=True)
    assert client.post(f"/desk/organizations/{org.id}/account", data=ACCOUNT).status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, org.id).account_tier is AccountTier.strategic


@pytest.fixture
def solved_for_colleague():
    org = make_org()
    org_admin = make_customer(organization=org, is_org_admin=True)
    requester = make_customer(organization=org)
    ticket = make_ticket(requester, status=Status.solved, solved_at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    return org_admin, requester, ticket


def test_an_organization_admin_sees_but_cannot_rate_or_reopen_a_colleagues_request(
    client, login_as, solved_for_colleague
):
    org_admin, _, ticket = solved_for_colleague
    with pytest.raises(NotAllowed):
        rate_ticket(org_admin.user, ticket.id, 1)
    with pytest.raises(NotAllowed):
        reopen_ticket(org_admin.user, ticket.id)
    login_as(org_admin.user)
    page = client.get(f"/portal/tickets/{ticket.id}").get_data(as_text=True)
    assert "Rate this request" not in page and "Reopen this request" not in page
    assert client.post(f"/portal/tickets/{ticket.id}/rating", data={"rating": "1"}).status_code == 403
    assert client.post(f"/portal/tickets/{ticket.id}/reopen").status_code == 403
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status is Status.solved


def test_an_organization_admin_cannot_reopen_a_colleagues_request_by_replying(
    client, login_as, solved_for_colleague
):
    org_admin, _, ticket = solved_for_colleague
    with pytest.raises(NotAllowed):
        add_reply(org_admin.user, ticket.id, "Reopening this for Bob")
    login_as(org_admin.user)
    page = client.get(f"/portal/tickets/{ticket.id}").get_data(as_text=True)
    assert "Only the colleague who asked can reopen it" in page and "Send reply" not in page
    stale = client.post(f"/portal/tickets/{ticket.id}/reply", data={"body": "Reopening this for Bob"})
    assert stale.status_code == 400
    assert "Reopening this for Bob" in stale.get_data(as_text=True)  # the typed text is kept
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status is Status.solved


def test_the_requester_still_rates_and_reopens(client, login_as, solved_for_colleague):
    _, requester, ticket = solved_for_colleague
    login_as(requester.user)
    assert "Rate this request" in client.get(f"/portal/tickets/{ticket.id}").get_data(as_text=True)
    assert client.post(f"/portal/tickets/{ticket.id}/rating", data={"rating": "5"}).status_code == 302
    assert client.post(f"/portal/tickets/{ticket.id}/reopen").status_code == 302


HEADER = "organization,account_tier,lifecycle_stage,lifetime_value,contact_name,contact_email,timezone\n"


def test_the_import_links_no_unconfirmed_self_registered_account(now):
    unconfirmed = make_user(email="eve@globex.test")
    confirmed = make_user(email="ann@globex.test", email_verified_at=now)
    for user in (unconfirmed, confirmed):
        db.session.add(Customer(name=user.name, email=user.email, user_id=user.id, created_at=now))
    db.session.commit()
    data = (
        HEADER
        + "Globex,strategic,expansion,100,Eve,eve@globex.test,\n"
        + "Globex,strategic,expansion,100,Ann,ann@globex.test,\n"
        + "Globex,strategic,expansion,100,Carl,carl@globex.test,\n"
    )
    dry = import_contacts(make_admin(), data.encode(), dry_run=True, now=now)
    assert dry.held_back == ["eve@globex.test"]
    report = import_contacts(make_admin(), data.encode(), now=now)
    assert report.applied and "1 not linked to their organization until they confirm" in report.summary
    globex = db.session.scalars(select(Organization)).one()
    linked = dict(db.session.execute(select(Customer.email, Customer.organization_id)).all())
    assert linked == {"eve@globex.test": None, "ann@globex.test": globex.id, "carl@globex.test": globex.id}
