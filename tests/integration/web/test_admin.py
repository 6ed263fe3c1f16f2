"""The admin area through the test client: staff accounts and teams."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from app.domain.vocabulary import Role
from app.extensions import db
from app.models import Team, User
from app.services.accounts.directory import list_users, team_rows
from tests import factories
from tests.factories import make_admin, make_agent, make_customer, make_team, make_ticket

ADMIN_URLS = [
    "/admin/",
    "/admin/users",
    "/admin/users/new",
    "/admin/teams",
    "/admin/teams/{team}/edit",
    "/admin/import",
]
ADMIN_POSTS = [
    "/admin/users/new",
    "/admin/users/{user}/active",
    "/admin/teams",
    "/admin/teams/{team}/edit",
    "/admin/teams/{team}/delete",
]


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def new_agent(**overrides) -> dict:
    data = {
        "name": "Ada Agent",
        "email": "ada@example.test",
        "password": "long-enough-pw",
        "role": "agent",
        "support_tier": "2",
        "team": "",
    }
    data.update(overrides)
    return data


@contextmanager
def counted_queries():
    """Counts the SQL statements run inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_admin_pages_are_for_admins_only(client, login_as, url):
    url = url.format(team=make_team().id)
    assert client.get(url).headers["Location"].startswith("/auth/login?next=")
    login_as(make_agent(tier=4))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_customers_get_403_on_admin_pages(client, login_as, url):
    url = url.format(team=make_team().id)
    login_as(make_customer().user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ADMIN_POSTS)
def test_agents_cannot_change_anything_in_admin(client, login_as, url):
    team = make_team(name="Frontline")
    target = make_agent(tier=1)
    url = url.format(team=team.id, user=target.id)
    data = {**new_agent(), "value": "off", "name": "Renamed", "tier": "1"}
    assert client.post(url, data=data).headers["Location"].startswith("/auth/login")
    login_as(make_agent(tier=4))
    before = user_count()
    assert client.post(url, data=data).status_code == 403
    db.session.expire_all()
    assert user_count() == before
    assert db.session.scalars(select(Team.name)).all() == ["Frontline"]
    assert db.session.get(User, target.id).active


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
def test_bad_staff_accounts_are_form_errors_and_nothing_is_saved(client, login_as, overrides, message):
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
    response = their_client.post("/auth/login", data={"email": agent.email, "password": factories.PASSWORD})
    assert response.status_code == 401
    client.post(f"/admin/users/{agent.id}/active", data={"value": "on"})
    db.session.expire_all()
    assert db.session.get(User, agent.id).active
    response = their_client.post("/auth/login", data={"email": agent.email, "password": factories.PASSWORD})
    assert response.status_code == 302


def test_the_users_page_offers_the_matching_button(client, login_as):
    active, gone = make_agent(name="Still Here"), make_agent(name="Long Gone", active=False)
    login_as(make_admin())
    page = client.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{active.id}/active"' in page
    assert f'action="/admin/users/{gone.id}/active"' in page
    assert ">Deactivate<" in page and ">Reactivate<" in page and "deactivated" in page


def test_unknown_users_and_teams_are_404(client, login_as):
    login_as(make_admin())
    assert client.post("/admin/users/9999/active", data={"value": "off"}).status_code == 404
    assert client.post("/admin/users/99999999999999999999/active").status_code == 404
    assert client.get("/admin/teams/99999999999999999999/edit").status_code == 404
    assert client.post("/admin/teams/9999/delete").status_code == 404
    too_big = new_agent(team="99999999999999999999")
    response = client.post("/admin/users/new", data=too_big)
    assert response.status_code == 400 and "No such team." in response.get_data(as_text=True)


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
    refused = client.get("/admin/users?role=wizard")
    assert refused.status_code == 400
    assert "choose one of customer, agent, admin" in refused.get_data(as_text=True)
    for after in ("abc", "-1", "0", "99999999999999999999"):
        assert client.get(f"/admin/users?after={after}").status_code == 400


def test_the_user_list_pages_by_fifty(client, login_as):
    admin = make_admin(name="Admin Zero")
    for n in range(52):
        factories.make_user(name=f"Listed {n:02d}")
    login_as(admin)
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Admin Zero" in first and "Listed 48" in first and "Listed 49" not in first
    page = list_users(admin)
    assert len(page.users) == 50
    second = client.get(f"/admin/users?after={page.next_after}").get_data(as_text=True)
    assert f"after={page.next_after}" in first
    assert "Listed 49" in second and "Listed 51" in second and "Listed 48" not in second
    assert "Next page" not in second and "First page" in second


def test_lists_load_teams_and_counts_without_a_query_per_row():
    for n in range(3):
        team = make_team(name=f"Team {n}")
        make_agent(team_id=team.id)
        make_ticket(team_id=team.id)
    admin = make_admin()
    db.session.refresh(admin)  # as the user loader has it in a request
    with counted_queries() as statements:
        rows = team_rows(admin)
        users = list_users(admin).users
        names = {user.team.name for user in users if user.team}
    assert len(statements) == 2
    assert [(row.members, row.tickets) for row in rows] == [(1, 1)] * 3
    assert names == {"Team 0", "Team 1", "Team 2"}


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
