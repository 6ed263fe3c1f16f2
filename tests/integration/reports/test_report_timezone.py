"""Report days follow the desk's reporting timezone: by default the default policy's calendar's,
chosen by an admin otherwise; every stored day is recounted when it changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.errors import InvalidInput, NotAllowed
from app.domain.reports import DateRange
from app.domain.sla import Targets
from app.services.reports.read import ReportFilters, sums
from app.services.reports.rollup import fold_new_history, rebuild_rollups
from app.services.reports.zone import report_zone, set_report_zone
from app.services.sla.setup import save_calendar, save_policy
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer

LATE = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 01:30 on 3 March in a UTC+2 desk


def _created_on(day: date) -> int:
    values = sums(ReportFilters(range=DateRange(day, day)), ("created",), ("metric",))
    return values.get(("created",), [0, 0])[0]


@pytest.fixture
def plus_two_desk():
    admin = make_admin()
    calendar = save_calendar(
        admin, name="Pretoria", timezone="Africa/Johannesburg", weekly_hours={}, always_open=True
    )
    save_policy(
        admin,
        name="Standard",
        calendar_id=calendar.id,
        is_default=True,
        targets=Targets(60, 120, 600, (60, 60, 60, 60, 60), warn_percent=50),
        now=LATE - timedelta(days=1),
    )
    ticket = open_ticket(make_customer().user, subject="Late night", description="x", now=LATE)
    return admin, ticket


def test_a_ticket_opened_at_23_30_utc_counts_on_the_next_day_of_a_utc_plus_2_desk(plus_two_desk):
    assert report_zone().key == "Africa/Johannesburg"  # the default policy's calendar's
    rebuild_rollups()
    assert _created_on(date(2026, 3, 3)) == 1
    assert _created_on(date(2026, 3, 2)) == 0


def test_an_admin_changes_the_zone_and_the_next_fold_recounts_every_day(plus_two_desk, login_as):
    admin, ticket = plus_two_desk
    fold_new_history(LATE + timedelta(hours=1))
    assert _created_on(date(2026, 3, 3)) == 1
    client = login_as(admin)
    answer = client.post("/admin/sla/report-timezone", data={"timezone": "UTC"})
    assert answer.status_code == 303
    page = client.get("/desk/reports/workload?start=2026-03-02&end=2026-03-03").get_data(as_text=True)
    # Until the next fold the stored days are still Johannesburg's, and the page says so.
    assert "Days run from midnight to midnight, Africa/Johannesburg" in page
    assert "The reporting timezone is now UTC: the next fold recounts every day in it." in page
    fold_new_history(LATE + timedelta(hours=2))
    assert _created_on(date(2026, 3, 2)) == 1
    assert _created_on(date(2026, 3, 3)) == 0
    page = client.get("/desk/reports/workload?start=2026-03-02&end=2026-03-03").get_data(as_text=True)
    assert "Days run from midnight to midnight, UTC; times on this page are in UTC." in page
    assert "The reporting timezone is now" not in page
    drill = client.get("/desk/reports/tickets?metric=created&start=2026-03-02&end=2026-03-02")
    assert ticket.reference in drill.get_data(as_text=True)
    # Back to the default: the calendar's zone again.
    client.post("/admin/sla/report-timezone", data={"timezone": ""})
    assert report_zone().key == "Africa/Johannesburg"


def test_the_reporting_zone_refuses_an_unknown_zone_and_a_non_admin(plus_two_desk, login_as):
    admin, _ = plus_two_desk
    answer = login_as(admin).post("/admin/sla/report-timezone", data={"timezone": "Mars/Olympus"})
    assert answer.status_code == 400
    assert "is not a timezone" in answer.get_data(as_text=True)
    assert report_zone().key == "Africa/Johannesburg"
    with pytest.raises(NotAllowed):
        set_report_zone(make_agent(tier=1), "UTC")
    with pytest.raises(InvalidInput):
        set_report_zone(admin, "Nowhere")
