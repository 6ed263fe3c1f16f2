"""An agent's own timezone: chosen in their settings, used for the exact time of desk times."""

from __future__ import annotations

from datetime import UTC, datetime

from app.extensions import db
from app.models import User
from tests import factories


def test_desk_times_show_in_the_agents_timezone(client, login_as):
    ticket = factories.make_ticket(tier=1, created_at=datetime(2026, 7, 1, 12, 0, tzinfo=UTC))
    agent = factories.make_agent(tier=1)
    login_as(agent)
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert 'title="2026-07-01 12:00 UTC"' in page  # no timezone chosen: UTC
    settings = client.get("/desk/mail/").get_data(as_text=True)
    assert '<option value="Europe/Berlin">Europe/Berlin</option>' in settings
    assert client.post("/desk/mail/timezone", data={"timezone": "Europe/Berlin"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, agent.id).timezone == "Europe/Berlin"
    for url in (f"/desk/tickets/{ticket.id}", "/desk/queues/tier-1"):
        page = client.get(url).get_data(as_text=True)
        assert 'datetime="2026-07-01T12:00:00+00:00" title="2026-07-01 14:00 Europe/Berlin"' in page, url
    assert client.post("/desk/mail/timezone", data={"timezone": "UTC"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, agent.id).timezone is None


def test_a_name_that_is_no_timezone_is_refused_on_the_form(client, login_as):
    agent = factories.make_agent(tier=1)
    login_as(agent)
    refused = client.post("/desk/mail/timezone", data={"timezone": "Mars/Olympus<b>"})
    assert refused.status_code == 400
    assert "is not a timezone" in refused.get_data(as_text=True)
    assert "<b>" not in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, agent.id).timezone is None


def test_admin_and_own_security_pages_show_exact_times_in_the_staff_timezone(client, login_as):
    admin = factories.make_admin(timezone="America/New_York")
    factories.make_agent(tier=2, created_at=datetime(2026, 1, 15, 9, 30, tzinfo=UTC))
    login_as(admin)
    users = client.get("/admin/users").get_data(as_text=True)
    assert "2026-01-15 04:30 America/New_York" in users
    assert "2026-01-15 09:30 UTC" not in users
