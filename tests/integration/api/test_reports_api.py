"""The reports' figures through the API: the same numbers as the pages' tables, for the same
range and filters, with the same scope (admins all teams; an agent their team, or themself)."""

from __future__ import annotations

from app.models.types import utcnow
from app.services.reports.rollup import rebuild_rollups
from tests.factories import make_admin, make_agent, make_customer, make_team
from tests.integration.web.test_report_pages import _ticket_today

SLUGS = ("sla", "ladder", "self-service", "customers", "workload", "dashboard")


def _created_today(body: dict) -> float:
    flow = next(f for f in body["figures"] if f["slug"] == "flow")
    column = flow["columns"].index("Created") - 1  # the first column is the rows' label
    row = next(r for r in flow["rows"] if r["label"] == body["end"])
    return row["cells"][column]["value"]


def test_an_admin_reads_every_report_and_the_workload_counts_each_teams_ticket(api):
    front, back = make_team(name="Front"), make_team(name="Back")
    _ticket_today(front)
    _ticket_today(back)
    rebuild_rollups()
    admin = api(make_admin())
    today = utcnow().date().isoformat()

    for slug in SLUGS:
        response = admin.get(f"/api/v1/reports/{slug}?start={today}&end={today}")
        assert response.status_code == 200, (slug, response.get_json())
        assert response.get_json()["report"] == slug and response.get_json()["figures"]

    everyone = admin.get(f"/api/v1/reports/workload?start={today}&end={today}").get_json()
    assert _created_today(everyone) == 2
    one_team = admin.get(f"/api/v1/reports/workload?start={today}&end={today}&team={front.id}").get_json()
    assert _created_today(one_team) == 1 and one_team["filters"]["team"] == front.id


def test_an_agent_reads_their_own_team_and_a_customer_nothing(api):
    mine, theirs = make_team(name="Front"), make_team(name="Back")
    _ticket_today(mine)
    _ticket_today(theirs)
    rebuild_rollups()
    agent = api(make_agent(tier=1, team_id=mine.id))
    today = utcnow().date().isoformat()

    body = agent.get(f"/api/v1/reports/workload?start={today}&end={today}").get_json()
    assert body["filters"]["team"] == mine.id and _created_today(body) == 1
    assert agent.get(f"/api/v1/reports/sla?team={theirs.id}").status_code == 403
    loner = make_agent(tier=1)
    assert api(loner).get("/api/v1/reports/sla").get_json()["filters"]["agent"] == loner.id
    assert api(make_customer().user).get("/api/v1/reports/sla").status_code == 403


def test_a_range_the_pages_refuse_is_refused_with_its_field(api):
    admin = api(make_admin())
    backwards = admin.get("/api/v1/reports/sla?start=2026-03-02&end=2026-03-01")
    assert backwards.status_code == 422 and backwards.get_json()["field"] == "start"
    assert admin.get("/api/v1/reports/sla?end=2000-01-05").status_code == 422  # would start in 1999
    assert admin.get("/api/v1/reports/sla?start=1999-12-31").status_code == 422
    assert admin.get("/api/v1/reports/nonsense").status_code == 404
