"""Rules route tickets that arrive through the portal, and the desk shows which rule moved them."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.vocabulary import AccountTier, Priority, Status
from app.extensions import db
from app.models import Ticket
from app.services.rules.defaults import install_default_rules
from tests import factories
from tests.factories import make_admin, make_agent, make_customer, make_org, make_ticket

SECURITY_RULE = "Security words go to Expert, urgent"


def test_a_portal_request_is_routed_by_the_rules_and_the_desk_names_the_rule(app, client, login_as):
    install_default_rules(make_admin())
    customer = make_customer(organization=make_org(account_tier=AccountTier.inside))
    login_as(customer.user)
    response = client.post(
        "/portal/new",
        data={
            "subject": "Our account was hacked",
            "description": "Someone changed our invoices.",
            "category": "security",
            "urgency": "normal",
        },
    )
    assert response.status_code == 302
    ticket = db.session.scalars(select(Ticket)).one()
    assert (ticket.tier, ticket.priority) == (3, Priority.urgent)
    portal_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "With our specialists" in portal_page
    assert SECURITY_RULE not in portal_page  # rule names are internal

    agent_client = app.test_client()
    agent = make_agent(tier=3)
    agent_client.post("/auth/login", data={"email": agent.email, "password": factories.PASSWORD})
    desk_page = agent_client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert f"rule “{SECURITY_RULE}”" in desk_page
    assert f"Rule &#39;{SECURITY_RULE}&#39; fired on {ticket.reference}" in desk_page


def test_a_strategic_urgent_request_goes_straight_to_technical(client, login_as):
    install_default_rules(make_admin())
    customer = make_customer(organization=make_org(account_tier=AccountTier.strategic))
    login_as(customer.user)
    client.post(
        "/portal/new",
        data={
            "subject": "Checkout down",
            "description": "All orders fail",
            "category": "technical",
            "urgency": "urgent",
        },
    )
    assert db.session.scalars(select(Ticket.tier)).one() == 2


def test_reopening_twice_from_the_portal_raises_a_tier(client, login_as):
    install_default_rules(make_admin())
    customer = make_customer()
    ticket = make_ticket(customer, status=Status.solved, reopen_count=1)
    login_as(customer.user)
    assert client.post(f"/portal/tickets/{ticket.id}/reopen").status_code == 302
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).tier == 2
