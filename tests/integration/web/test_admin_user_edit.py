"""Admins edit staff accounts: name, role, tier, team, away, a reset link; never the last admin."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.vocabulary import Role
from app.extensions import db
from app.models import AuditEntry, Notification, User
from tests.factories import make_admin, make_agent, make_customer, make_team


def _form(user: User, **overrides) -> dict:
    data = {
        "name": user.name,
        "role": user.role.value,
        "support_tier": str(user.support_tier or ""),
        "team": str(user.team_id or ""),
        "away_hours": "",
    }
    data.update(overrides)
    return data


def test_an_admin_changes_role_tier_team_and_away_and_it_is_audited(client, login_as):
    admin = make_admin()
    agent = make_agent(tier=1)
    team = make_team(name="Experts", tier=3)
    login_as(admin)
    assert client.get(f"/admin/users/{agent.id}/edit").status_code == 200
    response = client.post(
        f"/admin/users/{agent.id}/edit",
        data=_form(agent, name="Agnes Agent", support_tier="3", team=str(team.id), away="y", away_hours="4"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, agent.id)
    assert (changed.name, changed.support_tier, changed.team_id, changed.away) == (
        "Agnes Agent",
        3,
        team.id,
        True,
    )
    assert changed.away_until is not None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == "user_changed")).one()
    assert entry.actor_id == admin.id and entry.email == agent.email
    assert entry.data["changed"]["support_tier"] == [1, 3]


def test_every_problem_of_the_form_is_shown_at_once(client, login_as):
    login_as(make_admin())
    agent = make_agent(tier=2)
    response = client.post(
        f"/admin/users/{agent.id}/edit",
        data=_form(agent, name="   ", support_tier="", team="999999"),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Give a name" in page
    assert "An agent&#39;s support tier is 1, 2, 3 or 4." in page
    assert "No such team." in page


def test_the_last_admin_cannot_stop_being_one_or_be_deactivated(client, login_as):
    admin = make_admin(name="Only Admin")
    login_as(admin)
    response = client.post(f"/admin/users/{admin.id}/edit", data=_form(admin, role="agent", support_tier="2"))
    assert response.status_code == 400
    assert "Only Admin is the last active admin" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).role is Role.admin
    other = make_admin(name="Second Admin")
    response = client.post(f"/admin/users/{admin.id}/edit", data=_form(admin, role="agent", support_tier="2"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, admin.id).role is Role.agent
    assert db.session.get(User, other.id).role is Role.admin


def test_an_admin_mails_a_reset_link_without_learning_the_password(client, login_as):
    admin = make_admin()
    agent = make_agent()
    login_as(admin)
    before = agent.password_hash
    response = client.post(f"/admin/users/{agent.id}/reset-password")
    assert response.status_code == 303
    mail = db.session.scalars(select(Notification).where(Notification.recipient_email == agent.email)).one()
    assert "/auth/reset/" in mail.body
    assert db.session.get(User, agent.id).password_hash == before
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.kind == "password_reset_sent")).one()


def test_a_customer_is_not_edited_as_staff(client, login_as):
    login_as(make_admin())
    customer = make_customer()
    response = client.post(
        f"/admin/users/{customer.user.id}/edit",
        data={"name": "X", "role": "admin", "support_tier": "4", "team": "", "away_hours": ""},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, customer.user.id).role is Role.customer


def test_agents_cannot_edit_users(client, login_as):
    agent = make_agent(tier=4)
    login_as(agent)
    assert client.get(f"/admin/users/{agent.id}/edit").status_code == 403
    assert client.post(f"/admin/users/{agent.id}/edit", data=_form(agent, role="admin")).status_code == 403


def test_a_new_user_form_names_every_problem_at_once(client, login_as):
    login_as(make_admin())
    response = client.post(
        "/admin/users/new",
        data={
            "name": "",
            "email": "not-an-address",
            "password": "short",
            "role": "agent",
            "support_tier": "",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "4 things to fix" in page
    for words in ("Give a name", "Enter a valid email address.", "support tier is 1, 2, 3 or 4"):
        assert words in page


def test_a_team_form_names_every_problem_at_once(client, login_as):
    login_as(make_admin())
    response = client.post(
        "/admin/teams",
        data={
            "name": "",
            "tier": "2",
            "is_external": "y",
            "assignment_mode": "manual",
            "vendor_target_hours": "99999",
            "vendor_calendar_id": "0",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for words in (
        "Give the team a name",
        "An external vendor team works tier 4.",
        "The vendor&#39;s target is between",
    ):
        assert words in page
