"""The reports area: who may read what, the CSV, the tickets behind a figure, bad input."""

from __future__ import annotations

import csv
import io

from app.models.types import utcnow
from app.services.reports.rollup import rebuild_rollups
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer, make_team


def _ticket_today(team=None):
    ticket = open_ticket(make_customer().user, subject="Printer on fire", description="x", now=utcnow())
    if team is not None:
        from app.extensions import db

        ticket.team_id = team.id
        db.session.commit()
    return ticket


def test_a_lead_reads_every_report_its_csv_and_the_tickets_behind_a_figure(login_as):
    ticket = _ticket_today()
    rebuild_rollups()
    client = login_as(make_admin())
    for path in (
        "/desk/reports/",
        "/desk/reports/sla",
        "/desk/reports/ladder",
        "/desk/reports/self-service",
        "/desk/reports/customers",
        "/desk/reports/workload",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<svg" in page.get_data(as_text=True)
    today = utcnow().date().isoformat()
    body = client.get(f"/desk/reports/workload?start={today}&end={today}").get_data(as_text=True)
    assert f"/desk/reports/tickets?start={today}&amp;end={today}&amp;metric=created" in body
    export = client.get(f"/desk/reports/workload.csv?start={today}&end={today}")
    assert export.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert {"figure": "flow", "row": today, "column": "Created", "value": "1"}.items() <= next(
        r for r in rows if r["figure"] == "flow" and r["column"] == "Created"
    ).items()
    drill = client.get(f"/desk/reports/tickets?metric=created&start={today}&end={today}").get_data(
        as_text=True
    )
    assert ticket.reference in drill


def test_an_agent_sees_their_own_team_only(login_as):
    mine, theirs = make_team(name="Front"), make_team(name="Back")
    _ticket_today(mine)
    _ticket_today(theirs)
    rebuild_rollups()
    client = login_as(make_agent(tier=1, team_id=mine.id))
    today = utcnow().date().isoformat()
    export = client.get(f"/desk/reports/workload.csv?start={today}&end={today}").get_data(as_text=True)
    created = [
        r for r in csv.DictReader(io.StringIO(export)) if r["figure"] == "flow" and r["column"] == "Created"
    ]
    assert created[0]["value"] == "1"  # the other team's ticket is not counted
    assert client.get(f"/desk/reports/sla?team={theirs.id}").status_code == 403


def test_customers_are_kept_out(login_as):
    assert login_as(make_customer().user).get("/desk/reports/sla").status_code in (302, 403)


def test_bad_filters_and_unknown_reports_answer_4xx(login_as):
    client = login_as(make_admin())
    for path in (
        "/desk/reports/sla?tier=9",
        "/desk/reports/sla?start=yesterday",
        "/desk/reports/sla?priority=asap",
        "/desk/reports/sla?start=2026-03-02&end=2026-03-01",
        "/desk/reports/tickets?metric=nonsense",
        "/desk/reports/sla.csv?team=x",
    ):
        assert client.get(path).status_code == 400, path
    assert client.get("/desk/reports/nothing").status_code == 404


def test_a_report_names_the_zone_of_its_days_and_shows_its_times_in_the_viewers_zone(login_as):
    from app.extensions import db

    _ticket_today()
    rebuild_rollups()
    admin = make_admin()
    admin.timezone = "Asia/Tokyo"
    db.session.commit()
    body = login_as(admin).get("/desk/reports/workload").get_data(as_text=True)
    assert "Days run from midnight to midnight, UTC; times on this page are in Asia/Tokyo." in body
    assert "Asia/Tokyo." in body.split("Figures as of", 1)[1].split("</p>", 1)[0]


def test_before_the_first_count_a_report_says_so_and_afterwards_when_it_counted(login_as):
    client = login_as(make_admin())
    before = client.get("/desk/reports/sla").get_data(as_text=True)
    assert "The history has not been counted yet" in before and "Figures as of" not in before
    _ticket_today()
    rebuild_rollups()
    after = client.get("/desk/reports/sla").get_data(as_text=True)
    assert "Figures as of" in after and "not been counted yet" not in after
