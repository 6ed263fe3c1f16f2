"""Who else is viewing a ticket: agents see each other, stale entries vanish, customers are out."""

from __future__ import annotations

import re
from datetime import timedelta

from app.models.types import utcnow
from app.services.tickets.presence import FRESH_FOR, other_viewers, touch_viewing
from tests import factories
from tests.factories import signed_in


def test_two_agents_see_each_other(app):
    ticket = factories.make_ticket(tier=1)
    ana, ben = factories.make_agent(tier=1, name="Ana"), factories.make_agent(tier=1, name="Ben")
    as_ana, as_ben = signed_in(app, ana), signed_in(app, ben)
    first = as_ana.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "also viewing" not in first
    page = as_ben.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "Ana is also viewing this ticket." in page
    beat = as_ana.post(f"/desk/tickets/{ticket.id}/viewers")
    assert beat.status_code == 200 and beat.get_json() == {"viewers": ["Ben"]}


def test_stale_entries_vanish():
    ticket = factories.make_ticket(tier=1)
    ana, ben = factories.make_agent(tier=1, name="Ana"), factories.make_agent(tier=1, name="Ben")
    long_ago = utcnow() - FRESH_FOR - timedelta(seconds=5)
    touch_viewing(ana, ticket.id, now=long_ago)
    assert touch_viewing(ben, ticket.id) == []
    touch_viewing(ana, ticket.id)
    assert other_viewers(ben, ticket.id) == ["Ana"]


def test_viewing_another_ticket_does_not_count():
    first, second = factories.make_ticket(tier=1), factories.make_ticket(tier=1)
    ana, ben = factories.make_agent(tier=1, name="Ana"), factories.make_agent(tier=1, name="Ben")
    touch_viewing(ana, first.id)
    assert touch_viewing(ben, second.id) == []


def test_customers_cannot_use_the_heartbeat(client, login_as):
    customer = factories.make_customer()
    ticket = factories.make_ticket(customer)
    login_as(customer.user)
    response = client.post(f"/desk/tickets/{ticket.id}/viewers", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert other_viewers(factories.make_agent(), ticket.id) == []


def test_an_unknown_ticket_is_not_found(client, login_as):
    login_as(factories.make_agent(tier=1))
    assert client.post("/desk/tickets/999999/viewers").status_code == 404


def test_the_heartbeat_needs_the_csrf_token_from_the_page(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # read on every request
    ticket = factories.make_ticket(tier=1)
    agent = factories.make_agent(tier=1)
    login_page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post(
        "/auth/login", data={"csrf_token": token, "email": agent.email, "password": factories.PASSWORD}
    )
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    url = f"/desk/tickets/{ticket.id}/viewers"
    assert client.post(url, headers={"Accept": "application/json"}).status_code == 400
    assert client.post(url, headers={"X-CSRFToken": meta}).status_code == 200


def test_the_page_carries_the_presence_script(client, login_as):
    ticket = factories.make_ticket(tier=1)
    login_as(factories.make_agent(tier=1))
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert 'id="viewers"' in page and "js/presence.js" in page
    script = client.get("/static/js/presence.js")
    assert script.status_code == 200 and b"X-CSRFToken" in script.data
    script.close()
