"""A customer's token reads their requests in the portal's words (domain.customer_words): the
state and its hint instead of the desk's status, "support" instead of "agent", and none of the
desk's own fields; staff tokens read the desk's values."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.customer_words import STATE_HINTS, customer_state
from app.extensions import db
from app.models import Customer, Ticket, User
from app.services.tickets.conversation import add_reply
from tests.factories import make_agent, make_ticket

DESK_FIELDS = {
    "status",
    "tier",
    "team_id",
    "assignee_id",
    "tags",
    "sla_badge",
    "sla_next_check_at",
    "escalation_count",
    "reopen_count",
    "first_responded_at",
    "vendor",
    "version",
}


def test_every_demo_request_reads_in_the_portals_words(api, demo):
    customer = db.session.scalars(select(Customer).where(Customer.email == "customer@demo.test")).one()
    client = api(customer.user)
    tickets = client.get("/api/v1/tickets?limit=100").get_json()["items"]
    assert tickets

    for shown in tickets:
        ticket = db.session.get(Ticket, shown["id"])
        assert not DESK_FIELDS & shown.keys(), shown
        assert shown["state"] == customer_state(ticket.status, ticket.tier)
        assert shown["state_hint"] == STATE_HINTS[shown["state"]]
        for message in client.get(f"/api/v1/tickets/{ticket.id}/messages").get_json()["items"]:
            assert message["author_kind"] in ("customer", "support", "automatic")
            assert message["internal"] is False
    states = {t["state"] for t in tickets}
    assert len(states) > 1  # the demo requests are in several states


def test_staff_read_the_desk_values_and_customers_cannot_filter_by_them(api):
    ticket = make_ticket(status="on_hold", tier=3)
    agent = make_agent(tier=3)
    add_reply(agent, ticket.id, "We asked the vendor.")
    staff = api(agent).get(f"/api/v1/tickets/{ticket.id}").get_json()
    assert (staff["status"], staff["tier"]) == ("on_hold", 3) and "state" not in staff
    assert (
        api(agent).get(f"/api/v1/tickets/{ticket.id}/messages").get_json()["items"][0]["author_kind"]
        == "agent"
    )

    owner = api(ticket.customer.user)
    shown = owner.get(f"/api/v1/tickets/{ticket.id}").get_json()
    assert shown["state"] == "With a partner" and "status" not in shown
    assert (
        owner.get(f"/api/v1/tickets/{ticket.id}/messages").get_json()["items"][0]["author_kind"] == "support"
    )


@pytest.mark.parametrize("query", ["status=open", "tier=1", "assignee_id=1", "tag=vip"])
def test_a_customers_list_refuses_the_desks_filters(api, query):
    user = db.session.get(User, make_ticket().customer.user_id)
    response = api(user).get(f"/api/v1/tickets?{query}")
    assert response.status_code == 403
    assert "Only support staff" in response.get_json()["detail"]
