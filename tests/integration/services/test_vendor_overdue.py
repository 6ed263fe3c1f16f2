"""A vendor's due time: counted in the vendor's working hours when its team has a calendar, told
to the tier-4 team and the previous assignee once when it passes, and a queue filter for it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.domain.errors import InvalidInput
from app.extensions import db
from app.models import Notification, Team, Ticket, VendorOverdueNotice
from app.services.accounts.teams import save_team
from app.services.queues.desk import queue_page
from app.services.queues.filters import parse_filters
from app.services.sla.setup import OFFICE_HOURS, save_calendar
from app.services.tickets.changes import assign_ticket, change_tier
from app.services.tickets.opening import open_ticket
from app.services.tickets.vendor_handoff import edit_vendor_details
from app.services.tickets.vendor_overdue import notify_overdue_vendors
from tests.factories import make_admin, make_agent, make_customer, make_team

FRIDAY_FOUR = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)  # 16:00 in Berlin


@pytest.fixture
def admin():
    return make_admin()


@pytest.fixture
def office(admin):
    return save_calendar(admin, name="Office", timezone="Europe/Berlin", weekly_hours=OFFICE_HOURS)


@pytest.fixture
def cloudco(admin):
    return make_team(name="CloudCo", tier=4, is_external=True, vendor_target_hours=8)


def handed_off(vendor: Team, at: datetime, assignee=None) -> Ticket:
    ticket = open_ticket(make_customer().user, subject="Storage down", description="x", now=at)
    ticket.tier = 3
    db.session.commit()
    expert = make_agent(tier=3)
    if assignee is not None:
        assign_ticket(expert, ticket.id, assignee_id=assignee.id, now=at)
    return change_tier(
        expert,
        ticket.id,
        4,
        "provider storage bug",
        reason_code="vendor_issue",
        vendor_team_id=vendor.id,
        now=at,
    )


def test_the_vendors_target_counts_in_its_working_hours(admin, office, cloudco):
    save_team(
        admin, name="CloudCo", tier=4, is_external=True, vendor_target_hours=8,
        vendor_calendar_id=office.id, team_id=cloudco.id,
    )  # fmt: skip
    ticket = handed_off(cloudco, FRIDAY_FOUR)
    # One hour on Friday, seven on Monday: 16:00 in Berlin.
    assert ticket.vendor_due_at == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def test_a_vendor_without_a_calendar_counts_round_the_clock(cloudco):
    ticket = handed_off(cloudco, FRIDAY_FOUR)
    assert ticket.vendor_due_at == FRIDAY_FOUR + timedelta(hours=8)


def test_only_a_vendor_team_has_a_vendor_calendar(admin, office):
    with pytest.raises(InvalidInput, match="vendor calendar"):
        save_team(admin, name="Frontline", tier=1, vendor_calendar_id=office.id)


def told(ticket_id: int) -> list[tuple[str, int | None]]:
    query = select(Notification.recipient_kind, Notification.recipient_user_id).where(
        Notification.ticket_id == ticket_id, Notification.subject.contains("Vendor overdue")
    )
    return sorted(db.session.execute(query).all(), key=lambda row: (row[0], row[1] or 0))


def test_a_passed_due_time_tells_the_tier_four_team_and_the_previous_assignee_once(cloudco):
    coordinator = make_agent(tier=4, team=cloudco)
    previous = make_agent(tier=3)
    ticket = handed_off(cloudco, FRIDAY_FOUR, assignee=previous)
    due = ticket.vendor_due_at
    assert notify_overdue_vendors(due - timedelta(minutes=1)) == 0
    assert notify_overdue_vendors(due) == 1
    assert told(ticket.id) == [("assignee", previous.id), ("team", coordinator.id)]
    assert notify_overdue_vendors(due + timedelta(hours=1)) == 0  # a second run tells nobody
    assert len(told(ticket.id)) == 2
    # A new due time that passes again is told about again.
    edit_vendor_details(
        coordinator, ticket.id, vendor_team_id=cloudco.id, reference="CC-1",
        due_at=due + timedelta(hours=3), pauses_clock=False, now=due + timedelta(hours=2),
    )  # fmt: skip
    assert notify_overdue_vendors(due + timedelta(hours=4)) == 1
    assert len(told(ticket.id)) == 4


def test_without_an_assignee_the_agent_who_handed_it_over_is_told(cloudco):
    ticket = handed_off(cloudco, FRIDAY_FOUR)
    notify_overdue_vendors(ticket.vendor_due_at)
    kinds = [kind for kind, _user in told(ticket.id)]
    assert kinds == ["assignee"]  # the vendor team has no members here; the expert hears of it


def test_two_runs_at_once_tell_them_once(app, cloudco):
    make_agent(tier=4, team=cloudco)
    ids = [handed_off(cloudco, FRIDAY_FOUR).id for _ in range(3)]
    due = FRIDAY_FOUR + timedelta(hours=9)
    results: list[int] = []

    def run() -> None:
        with app.app_context():
            results.append(notify_overdue_vendors(due))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == len(ids)
    db.session.rollback()  # read what the runs committed
    assert db.session.scalar(select(func.count()).select_from(VendorOverdueNotice)) == len(ids)
    for ticket_id in ids:
        assert len(told(ticket_id)) == 2


def test_the_tier_four_queue_shows_only_overdue_handoffs_when_asked(cloudco):
    coordinator = make_agent(tier=4, team=cloudco)
    late = handed_off(cloudco, datetime.now(UTC) - timedelta(hours=9))
    on_time = handed_off(cloudco, datetime.now(UTC) - timedelta(hours=1))
    every = {t.id for t in queue_page(coordinator, "tier-4").items}
    assert {late.id, on_time.id} <= every
    overdue = queue_page(coordinator, "tier-4", parse_filters({"vendor": "overdue"}))
    assert [t.id for t in overdue.items] == [late.id]
    with pytest.raises(InvalidInput, match="vendor filter"):
        parse_filters({"vendor": "soon"})


def test_the_queue_page_offers_the_filter(cloudco, login_as):
    coordinator = make_agent(tier=4, team=cloudco)
    late = handed_off(cloudco, datetime.now(UTC) - timedelta(hours=9))
    on_time = handed_off(cloudco, datetime.now(UTC) - timedelta(hours=1))
    client = login_as(coordinator)
    page = client.get("/desk/queues/tier-4?vendor=overdue").get_data(as_text=True)
    assert 'name="vendor"' in page
    assert late.reference in page and on_time.reference not in page
    assert client.get("/desk/queues/tier-4?vendor=soon").status_code == 400


def test_an_admin_gives_a_vendor_team_its_working_hours(admin, office, cloudco, login_as):
    client = login_as(admin)
    page = client.get(f"/admin/teams/{cloudco.id}/edit").get_data(as_text=True)
    assert 'name="vendor_calendar_id"' in page and "Office" in page
    settings = {"name": "CloudCo", "tier": "4", "is_external": "y", "vendor_target_hours": "8"}
    url = f"/admin/teams/{cloudco.id}/edit"
    response = client.post(url, data={**settings, "vendor_calendar_id": office.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Team, cloudco.id).vendor_calendar_id == office.id
    client.post(url, data={**settings, "vendor_calendar_id": "0"})
    db.session.expire_all()
    assert db.session.get(Team, cloudco.id).vendor_calendar_id is None


def test_the_overdue_filter_can_be_saved_as_a_view(cloudco, login_as):
    coordinator = make_agent(tier=4, team=cloudco)
    client = login_as(coordinator)
    response = client.post(
        "/desk/views", data={"name": "Late vendors", "queue": "tier-4", "vendor": "overdue"}
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    assert "vendor=overdue" in response.headers["Location"]
