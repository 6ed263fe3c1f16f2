"""The admin area through the test client: staff accounts and teams."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain.vocabulary import Role
from app.extensions import db
from app.models import Team, User
from tests import factories
from tests.factories import make_admin, make_agent, make_customer, make_team, make_ticket

ADMIN_URLS = ["/admin/", "/admin/users", "/admin/users/new", "/admin/teams"]


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def new_agent(**overrides) -> dict:
    data = {"name": "Ada Agent", "email": "ada@example.test", "password": "long-enough-pw",
            "role": "agent", "support_tier": "2", "team": ""}
    data.update(overrides)
    return data


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_admin_pages_are_for_admins_only(client, login_as, url):
    assert client.get(url).headers["Location"].startswith("/auth/login?next=")
    login_as(make_agent(tier=4))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_customers_get_403_on_admin_pages(client, login_as, url):
    login_as(make_customer().user)
    assert client.get(url).status_code == 403


def test_an_admin_creates_an_agent_with_tier_and_team_who_can_sign_in(client, login_as, auth):
    team = make_team(name="Technical", tier=2)
    login_as(make_admin())
    response = client.post("/admin/users/new", data=new_agent(team=str(team.id)))
    assert response.status_code == 302
    agent = db.session.scalars(select(User).where(User.email == "ada@example.test")).one()
    assert (agent.role, agent.support_tier, agent.team_id) == (Role.agent, 2, team.id)
    assert agent.password_hash != "long-enough-pw"
    auth.logout()
    auth.login(agent, "long-enough-pw")
    assert client.get("/").headers["Location"] == "/desk/"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "taken@example.test"}, "A user with this email exists already."),
        ({"support_tier": ""}, "An agent&#39;s support tier is 1, 2, 3 or 4."),
        ({"support_tier": "x"}, "could not coerce"),
        ({"password": "short"}, "at least 10 characters"),
        ({"role": "customer"}, "Not a valid choice"),
        ({"team": "4242"}, "No such team."),
        ({"email": "not-an-email"}, "valid email"),
    ],
)
def test_bad_staff_accounts_are_form_errors_and_nothing_is_saved(client, login_as, overrides,
                                                                 message):
    factories.make_user(email="taken@example.test")
    login_as(make_admin())
    before = user_count()
    response = client.post("/admin/users/new", data=new_agent(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert user_count() == before


def test_deactivating_a_user_ends_their_sessions_and_sign_ins(app, client, login_as):
    agent = make_agent(tier=1)
    their_client = app.test_client()
    their_client.post("/auth/login", data={"email": agent.email, "password": factories.PASSWORD})
    assert their_client.get("/desk/queues/tier-1").status_code == 200
    login_as(make_admin())
    assert client.post(f"/admin/users/{agent.id}/active", data={"value": "off"}).status_code == 302
    assert their_client.get("/desk/queues/tier-1").headers["Location"].startswith("/auth/login")
    response = their_client.post("/auth/login", data={"email": agent.email,
                                                      "password": factories.PASSWORD})
    assert response.status_code == 401
    client.post(f"/admin/users/{agent.id}/active", data={"value": "on"})
    db.session.expire_all()
    assert db.session.get(User, agent.id).active


def test_an_admin_cannot_deactivate_themselves(client, login_as):
    admin = make_admin()
    login_as(admin)
    response = client.post(f"/admin/users/{admin.id}/active", data={"value": "off"})
    assert response.status_code == 303
    assert "You cannot deactivate yourself." in client.get("/admin/users").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).active


def test_the_user_list_filters_by_role_and_refuses_bad_filters(client, login_as):
    make_agent(name="Frontline Fran")
    make_customer(name="Customer Cat")
    login_as(make_admin())
    page = client.get("/admin/users?role=agent").get_data(as_text=True)
    assert "Frontline Fran" in page and "Customer Cat" not in page
    assert client.get("/admin/users?role=wizard").status_code == 400
    assert client.get("/admin/users?after=abc").status_code == 400


def test_teams_are_created_renamed_and_checked(client, login_as):
    login_as(make_admin())
    assert client.post("/admin/teams", data={"name": "Frontline", "tier": "1"}).status_code == 302
    team = db.session.scalars(select(Team)).one()
    response = client.post(f"/admin/teams/{team.id}/edit", data={"name": "Front desk", "tier": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Team, team.id).name == "Front desk"
    duplicate = client.post("/admin/teams", data={"name": "front DESK", "tier": "2"})
    assert duplicate.status_code == 400
    assert "A team with this name exists already." in duplicate.get_data(as_text=True)
    vendor = client.post("/admin/teams", data={"name": "CloudCo", "tier": "2", "is_external": "y"})
    assert vendor.status_code == 400
    assert "An external vendor team works tier 4." in vendor.get_data(as_text=True)
    assert client.get("/admin/teams/9999/edit").status_code == 404


def test_a_team_is_deleted_only_when_nothing_uses_it(client, login_as):
    used = make_team(name="Busy")
    make_ticket(team_id=used.id)
    empty = make_team(name="Empty")
    login_as(make_admin())
    assert client.post(f"/admin/teams/{used.id}/delete").status_code == 303
    assert "move them to another team first" in client.get("/admin/teams").get_data(as_text=True)
    assert client.post(f"/admin/teams/{empty.id}/delete").status_code == 302
    assert db.session.scalars(select(Team.name)).all() == ["Busy"]
