"""Assignment through the pages: admins set a team's mode, agents say they are away, an
escalation hands a ticket over; customers can do none of it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.domain.assignment import AssignmentMode
from app.extensions import db
from app.models import Team, Ticket, User
from app.models.types import utcnow
from tests.factories import make_admin, make_agent, make_customer, make_team, make_ticket
from tests.integration.web.test_security import _token, csrf_client  # noqa: F401


def fresh(model, row_id: int):
    db.session.expire_all()
    return db.session.get(model, row_id)


def test_an_admin_sets_a_teams_assignment_mode_and_sees_it_listed(client, login_as):
    team = make_team(name="Frontline", tier=1)
    login_as(make_admin())
    assert 'name="assignment_mode"' in client.get(f"/admin/teams/{team.id}/edit").get_data(as_text=True)
    response = client.post(
        f"/admin/teams/{team.id}/edit",
        data={"name": "Frontline", "tier": "1", "assignment_mode": "least_loaded"},
    )
    assert response.status_code == 302
    assert fresh(Team, team.id).assignment_mode is AssignmentMode.least_loaded
    assert "least loaded" in client.get("/admin/teams").get_data(as_text=True)


def test_a_new_team_can_assign_round_robin_and_a_bad_mode_is_a_form_error(client, login_as):
    login_as(make_admin())
    assert (
        client.post(
            "/admin/teams", data={"name": "Technical", "tier": "2", "assignment_mode": "round_robin"}
        ).status_code
        == 302
    )
    assert db.session.query(Team).one().assignment_mode is AssignmentMode.round_robin
    response = client.post("/admin/teams", data={"name": "Expert", "tier": "3", "assignment_mode": "whoever"})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_an_agent_marks_themselves_away_for_hours_and_back(client, login_as):
    agent = make_agent(tier=1)
    login_as(agent)
    page = client.get("/desk/queues/tier-1").get_data(as_text=True)
    assert "Set me away" in page
    before = utcnow()
    response = client.post("/desk/away", data={"away": "on", "hours": "4", "next": "/desk/queues/tier-1"})
    assert (response.status_code, response.headers["Location"]) == (303, "/desk/queues/tier-1")
    away = fresh(User, agent.id)
    assert away.away is True
    assert before + timedelta(hours=4) <= away.away_until <= utcnow() + timedelta(hours=4)
    assert ">I'm back<" in client.get("/desk/queues/tier-1").get_data(as_text=True)
    client.post("/desk/away", data={"away": "off"})
    back = fresh(User, agent.id)
    assert (back.away, back.away_until) == (False, None)


def test_admins_see_who_is_away(client, login_as):
    make_agent(tier=1, name="Ada Away", away=True)
    make_agent(tier=1, name="Ben Here")
    login_as(make_admin())
    page = client.get("/admin/users?role=agent").get_data(as_text=True)
    assert re.search(r"Ada Away.*?active · away</td>", page, re.S)
    assert not re.search(r"Ben Here.*?active · away</td>", page, re.S)


@pytest.mark.parametrize(
    "data",
    [
        {"away": "on", "hours": "5"},
        {"away": "on", "hours": "x"},
        {"away": "on", "hours": "99999999999999999999"},
    ],
)
def test_a_bad_away_time_is_a_clear_400(client, login_as, data):
    agent = make_agent(tier=1)
    login_as(agent)
    response = client.post("/desk/away", data=data)
    assert response.status_code == 400
    assert "how long you will be away" in response.get_data(as_text=True)
    assert fresh(User, agent.id).away is False


def test_a_customer_can_neither_be_away_nor_set_a_teams_mode(client, login_as):
    customer = make_customer()
    team = make_team(tier=1)
    login_as(customer.user)
    assert "Set me away" not in client.get("/portal/").get_data(as_text=True)
    assert client.post("/desk/away", data={"away": "on"}).status_code == 403
    assert (
        client.post(
            f"/admin/teams/{team.id}/edit",
            data={"name": team.name, "tier": "1", "assignment_mode": "round_robin"},
        ).status_code
        == 403
    )
    assert fresh(User, customer.user.id).away is False
    assert fresh(Team, team.id).assignment_mode is AssignmentMode.manual


def test_the_away_form_needs_its_csrf_token(csrf_client):  # noqa: F811
    agent = make_agent(tier=1)
    login_page = csrf_client.get("/auth/login").get_data(as_text=True)
    csrf_client.post(
        "/auth/login",
        data={"csrf_token": _token(login_page), "email": agent.email, "password": "correct-horse-battery"},
    )
    page = csrf_client.get("/desk/queues/tier-1").get_data(as_text=True)
    assert csrf_client.post("/desk/away", data={"away": "on"}).status_code == 400
    assert fresh(User, agent.id).away is False
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # the header's form
    response = csrf_client.post("/desk/away", data={"away": "on", "csrf_token": token})
    assert response.status_code == 303
    assert fresh(User, agent.id).away is True


def test_the_escalation_form_hands_the_ticket_to_the_receiving_teams_next_agent(client, login_as):
    make_team(tier=2, name="Networks")
    databases = make_team(tier=2, name="Databases")
    specialist = make_agent(tier=2, team_id=databases.id)
    agent = make_agent(tier=1)
    ticket = make_ticket(tier=1, assignee_id=agent.id)
    login_as(agent)
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "Receiving team" in page and "next agent" in page
    response = client.post(
        f"/desk/tickets/{ticket.id}/tier",
        data={
            "tier-tier": "2",
            "tier-reason_code": "needs_expertise",
            "tier-reason": "Slow queries",
            "tier-team": str(databases.id),
            "tier-hand_over": "y",
        },
    )
    assert response.status_code == 302
    moved = fresh(Ticket, ticket.id)
    assert (moved.tier, moved.team_id, moved.assignee_id) == (2, databases.id, specialist.id)


def test_a_receiving_team_of_the_wrong_tier_is_a_form_error(client, login_as):
    wrong = make_team(tier=3, name="Architects")
    agent = make_agent(tier=1)
    ticket = make_ticket(tier=1)
    login_as(agent)
    response = client.post(
        f"/desk/tickets/{ticket.id}/tier",
        data={
            "tier-tier": "2",
            "tier-reason_code": "needs_expertise",
            "tier-reason": "Slow queries",
            "tier-team": str(wrong.id),
        },
    )
    assert response.status_code == 400
    assert "Architects works tier 3" in response.get_data(as_text=True)
    assert fresh(Ticket, ticket.id).tier == 1
