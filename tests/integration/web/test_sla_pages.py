"""Service-level pages: the admin matrix and calendars, the desk's SLA panel and queue badges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.sla import Targets
from app.extensions import db
from app.models import BusinessCalendar, SlaPolicy
from app.models.types import utcnow
from app.services.sla.setup import OFFICE_HOURS, save_calendar, save_policy
from app.services.sweep.sweep import sweep_sla
from app.services.tickets.conversation import add_reply
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer

CALENDAR = {
    "name": "Berlin office",
    "timezone": "Europe/Berlin",
    "hours_monday": "09:00-12:00, 13:00-17:00",
    "hours_tuesday": "09:00-17:00",
    "hours_wednesday": "",
    "hours_thursday": "",
    "hours_friday": "09:00-15:00",
    "hours_saturday": "",
    "hours_sunday": "",
    "holidays_country": "DE",
    "holidays_subdivision": "by",
    "closed_dates": "2026-12-24\n2026-12-31",
}


def policy_form(calendar_id: int, **overrides) -> dict:
    data = {
        "name": "Strategic urgent",
        "calendar": str(calendar_id),
        "account_tier": "strategic",
        "priority": "urgent",
        "first_response_minutes": "30",
        "next_response_hours": "1",
        "resolution_hours": "8",
        "warn_percent": "80",
    }
    data.update({f"dwell_{t}_hours": "2" for t in range(5)})
    data.update(overrides)
    return data


@pytest.mark.parametrize("url", ["/admin/sla/", "/admin/sla/calendars/new", "/admin/sla/policies/new"])
def test_only_admins_set_service_levels(client, login_as, url):
    login_as(make_agent(tier=4))
    assert client.get(url).status_code == 403


def test_an_admin_builds_a_calendar_and_a_policy_cell(client, login_as):
    login_as(make_admin())
    assert client.post("/admin/sla/calendars/new", data=CALENDAR).status_code == 302
    calendar = db.session.scalars(select(BusinessCalendar)).one()
    assert calendar.weekly_hours == {"0": "09:00-12:00, 13:00-17:00", "1": "09:00-17:00", "4": "09:00-15:00"}
    assert (calendar.holidays_subdivision, calendar.closed_dates) == ("BY", ["2026-12-24", "2026-12-31"])
    assert client.post("/admin/sla/policies/new", data=policy_form(calendar.id)).status_code == 302
    page = client.get("/admin/sla/").get_data(as_text=True)
    assert "Strategic urgent" in page and "set a default" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "is not a known timezone"),
        ({"hours_monday": "17:00-09:00"}, "ends before it starts"),
        ({"hours_monday": "09:00-13:00, 12:00-17:00"}, "overlaps"),
        ({"holidays_country": "XX"}, "is not a country with known public holidays"),
        ({"closed_dates": "24.12.2026"}, "is not a date"),
    ],
)
def test_bad_calendars_are_refused_next_to_the_field(client, login_as, overrides, message):
    login_as(make_admin())
    response = client.post("/admin/sla/calendars/new", data={**CALENDAR, **overrides})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(BusinessCalendar)) == 0


def test_bad_policies_are_refused(client, login_as):
    admin = make_admin()
    calendar = save_calendar(admin, name="24x7", timezone="UTC", weekly_hours={}, always_open=True)
    login_as(admin)
    for overrides, message in [
        ({"first_response_minutes": "0"}, "First response must be between 1 minute and"),
        ({"first_response_minutes": "75"}, "Minutes from 0 to 59."),
        ({"account_tier": "", "priority": ""}, "Choose an account tier, a priority or both"),
        ({"is_default": "y"}, "The default policy applies to any account tier and priority."),
        ({"calendar": "999"}, "Choose a calendar."),
    ]:
        response = client.post("/admin/sla/policies/new", data=policy_form(calendar.id, **overrides))
        assert response.status_code == 400, overrides
        assert message in response.get_data(as_text=True), overrides
    assert client.post("/admin/sla/policies/new", data=policy_form(calendar.id)).status_code == 302
    clash = client.post("/admin/sla/policies/new", data=policy_form(calendar.id, name="Other"))
    assert clash.status_code == 400 and "already covers that cell" in clash.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SlaPolicy)) == 1


def test_the_desk_shows_every_target_and_the_queue_a_badge(client, login_as):
    admin = make_admin()
    office = save_calendar(admin, name="Office", timezone="Europe/Berlin", weekly_hours=OFFICE_HOURS)
    save_policy(
        admin,
        name="Standard",
        calendar_id=office.id,
        is_default=True,
        targets=Targets(30, 60, 600, (60, 60, 60, 60, 60)),
    )
    started = utcnow() - timedelta(days=14)
    ticket = open_ticket(make_customer().user, subject="Slow", description="x", now=started)
    agent = make_agent(tier=1)
    add_reply(agent, ticket.id, "Which page?", status="pending", now=started + timedelta(minutes=5))
    login_as(agent)
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "Standard" in page and "the default policy" in page
    assert "Office (Europe/Berlin)" in page and "paused" in page
    assert "First response" in page and "met" in page and "Resolution" in page
    late = open_ticket(make_customer().user, subject="Forgotten", description="x", now=started)
    sweep_sla()
    queue = client.get("/desk/queues/tier-2").get_data(as_text=True)  # raised for its lost time
    assert late.reference in queue and '<span class="badge sla-breached">Breached</span>' in queue


def test_a_ticket_without_a_policy_says_why_on_its_panel(client, login_as):
    admin = make_admin()
    always = save_calendar(admin, name="24x7", timezone="UTC", weekly_hours={}, always_open=True)
    save_policy(
        admin,
        name="Urgent only",
        calendar_id=always.id,
        priority="urgent",
        targets=Targets(30, 60, 600, (60, 60, 60, 60, 60)),
    )
    ticket = open_ticket(make_customer().user, subject="Slow", description="x")
    login_as(make_agent(tier=1))
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "No service-level policy applies to this ticket." in page
    tier = ticket.organization.account_tier.value
    assert f"No policy covers account tier {tier}, priority normal, or either of them alone" in page
    assert "there is no default policy" in page


def test_a_save_with_many_waiting_tickets_returns_and_the_page_follows_the_adoption(
    app, client, login_as, monkeypatch
):
    from app.services.sla.adoption_job import adopt_next_batch, adopt_pending
    from tests.factories import make_ticket

    monkeypatch.setitem(app.config, "SLA_ADOPTION_INLINE", 3)
    admin = make_admin()
    calendar = save_calendar(admin, name="24x7", timezone="UTC", weekly_hours={}, always_open=True)
    customer = make_customer()
    for n in range(5):
        make_ticket(customer, subject=f"waiting {n}")
    login_as(admin)
    saved = client.post(
        "/admin/sla/policies/new",
        data=policy_form(calendar.id, account_tier="", priority="", is_default="y"),
        follow_redirects=True,
    )
    page = saved.get_data(as_text=True)
    assert "SLA targets will be set on 5 waiting tickets in the next minutes." in page
    assert "0 of 5 adopted" in page
    adopt_next_batch(2)
    assert "2 of 5 adopted" in client.get("/admin/sla/").get_data(as_text=True)
    assert adopt_pending(2, rest=False, budget_seconds=3600).finished
    page = client.get("/admin/sla/").get_data(as_text=True)
    assert "adoption-progress" not in page and "adopted" not in page
