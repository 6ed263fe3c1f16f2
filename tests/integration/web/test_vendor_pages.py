"""Vendor hand-offs through the desk and admin pages: the forms, the panel, the tier-4 queue."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import Activity, Team, Ticket
from app.models.types import utcnow
from app.services.sla.setup import save_calendar, save_policy
from app.services.tickets.changes import change_tier
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer, make_team, make_ticket
from tests.integration.services.test_vendor_handoff import TARGETS

MOVE = {"tier-tier": "4", "tier-reason_code": "vendor_issue", "tier-reason": "Provider outage"}


def fresh(ticket_id: int) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


@pytest.fixture
def cloudco() -> Team:
    """A vendor, and a round-the-clock SLA policy for the tickets handed to it."""
    admin = make_admin()
    always = save_calendar(admin, name="24x7", timezone="UTC", weekly_hours={}, always_open=True)
    save_policy(admin, name="Standard", calendar_id=always.id, is_default=True, targets=TARGETS)
    return make_team(
        name="CloudCo", tier=4, is_external=True, vendor_target_hours=24, vendor_pauses_clock=True
    )


def with_vendor(vendor: Team, due_in: timedelta, reference: str | None = "CC-88123") -> Ticket:
    """A ticket a tier-3 agent handed to the vendor just now, due `due_in` from now."""
    ticket = open_ticket(make_customer().user, subject="Storage down", description="x")
    change_tier(
        make_agent(tier=3),
        ticket.id,
        4,
        "provider bug",
        reason_code="vendor_issue",
        vendor_team_id=vendor.id,
        vendor_reference=reference,
        vendor_due_at=(utcnow() + due_in).replace(second=0, microsecond=0),
    )
    return fresh(ticket.id)


def overdue(ticket: Ticket) -> Ticket:
    ticket.vendor_due_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    return ticket


def test_a_handoff_from_the_desk_takes_the_vendors_defaults(client, login_as, cloudco):
    ticket = make_ticket(tier=3)
    login_as(make_agent(tier=3))
    response = client.post(
        f"/desk/tickets/{ticket.id}/tier",
        data={
            **MOVE,
            "tier-vendor": str(cloudco.id),
            "tier-vendor_reference": "",
            "tier-vendor_due_at": "",
            "tier-vendor_pauses": "",
        },
    )
    assert response.status_code == 302
    ticket = fresh(ticket.id)
    assert (ticket.vendor_id, ticket.vendor_reference, ticket.vendor_pauses_clock) == (cloudco.id, None, True)
    assert ticket.vendor_due_at - utcnow() > timedelta(hours=23, minutes=58)


def test_a_handoff_may_set_its_own_due_time_and_pause(client, login_as, cloudco):
    ticket = make_ticket(tier=3)
    login_as(make_agent(tier=4))
    due = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = client.post(
        f"/desk/tickets/{ticket.id}/tier",
        data={
            **MOVE,
            "tier-vendor": str(cloudco.id),
            "tier-vendor_reference": "CC-5",
            "tier-vendor_due_at": due.strftime("%Y-%m-%dT%H:%M"),
            "tier-vendor_pauses": "no",
        },
    )
    assert response.status_code == 302
    ticket = fresh(ticket.id)
    assert (ticket.vendor_due_at, ticket.vendor_pauses_clock) == (due, False)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tier-vendor_due_at": "2020-01-01T10:00"}, "in the past"),
        ({"tier-vendor_due_at": "next tuesday"}, "as a date and time"),
        ({"tier-vendor_reference": "x" * 121}, "longer than 120"),
        ({"tier-vendor": ""}, "choose the external vendor team"),
        ({"tier-vendor": "99999999999999999999"}, "No such vendor"),
    ],
)
def test_bad_handoffs_are_form_errors(client, login_as, cloudco, data, message):
    ticket = make_ticket(tier=3)
    login_as(make_agent(tier=3))
    response = client.post(
        f"/desk/tickets/{ticket.id}/tier", data={**MOVE, "tier-vendor": str(cloudco.id), **data}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert fresh(ticket.id).tier == 3


def test_a_vendor_without_a_target_needs_a_due_time(client, login_as):
    vendor = make_team(name="SlowCo", tier=4, is_external=True)
    ticket = make_ticket(tier=3)
    login_as(make_agent(tier=3))
    response = client.post(f"/desk/tickets/{ticket.id}/tier", data={**MOVE, "tier-vendor": str(vendor.id)})
    assert response.status_code == 400
    assert "SlowCo has no default target" in response.get_data(as_text=True)


def test_the_ticket_page_shows_the_vendor_and_the_vendor_pause(client, login_as, cloudco):
    ticket = with_vendor(cloudco, timedelta(hours=5))
    login_as(make_agent(tier=4))
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "With the vendor" in page and "CC-88123" in page
    assert f"{ticket.vendor_due_at:%Y-%m-%d %H:%M} UTC" in page
    assert "vendor overdue" not in page
    assert "paused</strong> while waiting on the vendor" in page
    assert "(waiting on the vendor)" in page  # the pause in the SLA panel's list
    assert "Save vendor details" in page


def test_a_vendor_past_its_due_time_is_marked_on_the_page_and_in_the_tier_four_queue(
    client, login_as, cloudco
):
    ticket = overdue(with_vendor(cloudco, timedelta(hours=5)))
    on_time = with_vendor(cloudco, timedelta(hours=5), reference="CC-2")
    login_as(make_agent(tier=4))
    assert "vendor overdue" in client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    queue = client.get("/desk/queues/tier-4").get_data(as_text=True)
    assert "CloudCo · CC-88123" in queue and "CloudCo · CC-2" in queue
    exact = f'title="{on_time.vendor_due_at:%Y-%m-%d %H:%M} UTC"'  # exact on hover
    assert re.search(rf'{exact} data-tick="ago" data-now="[^"]+">in 5 h</time>', queue)
    assert queue.count("vendor overdue") == 1
    assert '<th scope="col">Vendor</th>' not in client.get("/desk/queues/tier-1").get_data(as_text=True)


def test_the_reference_arrives_later_and_goes_in_the_history(client, login_as, cloudco):
    ticket = overdue(with_vendor(cloudco, timedelta(hours=5), reference=None))
    login_as(make_agent(tier=4))
    # The due time goes back as the form showed it: unchanged, so being past is no error.
    response = client.post(
        f"/desk/tickets/{ticket.id}/vendor",
        data={
            "vendor-vendor": str(cloudco.id),
            "vendor-vendor_reference": "CC-4242",
            "vendor-vendor_due_at": f"{ticket.vendor_due_at:%Y-%m-%dT%H:%M}",
            "vendor-vendor_pauses": "y",
            "vendor-version": str(ticket.version),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert fresh(ticket.id).vendor_reference == "CC-4242"
    latest = db.session.scalars(
        select(Activity.summary)
        .where(Activity.kind == ActivityKind.vendor_updated)
        .order_by(Activity.id.desc())
    ).first()
    assert "reference none → CC-4242" in latest


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"vendor-vendor_due_at": ""}, "Give the vendor&#39;s due time"),
        ({"vendor-vendor_due_at": "2020-01-01T10:00"}, "in the past"),
        ({"vendor-vendor": ""}, "choose the external vendor team"),
        ({}, "Nothing to change"),
    ],
)
def test_bad_vendor_edits_are_form_errors(client, login_as, cloudco, data, message):
    ticket = with_vendor(cloudco, timedelta(hours=5))
    login_as(make_agent(tier=4))
    form = {
        "vendor-vendor": str(cloudco.id),
        "vendor-vendor_reference": "CC-88123",
        "vendor-vendor_due_at": f"{ticket.vendor_due_at:%Y-%m-%dT%H:%M}",
        "vendor-vendor_pauses": "y",
        **data,
    }
    response = client.post(f"/desk/tickets/{ticket.id}/vendor", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_an_agent_below_tier_four_sees_the_vendor_but_cannot_edit_it(client, login_as, cloudco):
    ticket = with_vendor(cloudco, timedelta(hours=5))
    login_as(make_agent(tier=1))
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "CC-88123" in page and "Save vendor details" not in page
    response = client.post(
        f"/desk/tickets/{ticket.id}/vendor",
        data={
            "vendor-vendor": str(cloudco.id),
            "vendor-vendor_reference": "HACKED",
            "vendor-vendor_due_at": f"{ticket.vendor_due_at:%Y-%m-%dT%H:%M}",
        },
    )
    assert response.status_code == 403
    assert fresh(ticket.id).vendor_reference == "CC-88123"


def test_admins_set_a_vendors_defaults(client, login_as):
    login_as(make_admin())
    response = client.post(
        "/admin/teams",
        data={
            "name": "CloudCo",
            "tier": "4",
            "is_external": "y",
            "vendor_target_hours": "24",
            "vendor_pauses_clock": "y",
        },
    )
    assert response.status_code == 302
    team = db.session.scalars(select(Team).where(Team.name == "CloudCo")).one()
    assert (team.vendor_target_hours, team.vendor_pauses_clock) == (24, True)
    assert "24 h target · pauses the clock" in client.get("/admin/teams").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tier": "2", "vendor_target_hours": "8"}, "Only an external vendor team"),
        ({"tier": "4", "is_external": "y", "vendor_target_hours": "100000"}, "between 1 and"),
        ({"tier": "4", "is_external": "y", "vendor_target_hours": "soon"}, "Not a valid integer"),
    ],
)
def test_bad_vendor_defaults_are_form_errors(client, login_as, data, message):
    login_as(make_admin())
    response = client.post("/admin/teams", data={"name": "CloudCo", **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_vendor_holding_tickets_cannot_be_deleted(client, login_as, cloudco):
    ticket = with_vendor(cloudco, timedelta(hours=5))
    ticket.team_id = None  # someone moved the team away; the vendor still holds it
    db.session.commit()
    login_as(make_admin())
    response = client.post(f"/admin/teams/{cloudco.id}/delete", follow_redirects=True)
    assert "still has 0 member(s) and 1 ticket(s)" in response.get_data(as_text=True)
    assert db.session.get(Team, cloudco.id) is not None


def test_a_tier_four_ticket_no_vendor_holds_is_handed_over_from_its_page(client, login_as, cloudco):
    """The SLA sweep or a rule can raise a ticket to tier 4 with no vendor: its page offers the
    hand-off there, instead of a move down and up again."""
    ticket = make_ticket(tier=4)
    login_as(make_agent(tier=4))
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "Hand to a vendor" in page
    response = client.post(
        f"/desk/tickets/{ticket.id}/vendor",
        data={
            "vendor-vendor": str(cloudco.id),
            "vendor-vendor_reference": "CC-7",
            "vendor-version": str(ticket.version),
        },
    )
    assert response.status_code in (302, 303)
    assert (fresh(ticket.id).vendor_id, fresh(ticket.id).vendor_reference) == (cloudco.id, "CC-7")
