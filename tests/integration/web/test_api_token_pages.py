"""API tokens in the browser: created on the sign-in security page and shown once, revoked there
by their owner or on /admin/api-tokens by an admin."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken
from app.services.accounts.api_tokens import create_api_token
from tests.factories import make_admin, make_agent, make_customer, signed_in


def test_a_customer_creates_a_token_that_is_shown_once_and_works(client, login_as):
    customer = make_customer()
    browser = login_as(customer.user)

    created = browser.post("/auth/security/api-tokens", data={"name": "My script", "scope": "read"})

    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    raw = re.search(r'id="new-api-token">(tdk_[^<]+)<', created.get_data(as_text=True)).group(1)
    again = browser.get("/auth/security").get_data(as_text=True)
    assert raw not in again and "My script" in again
    token = db.session.scalars(select(ApiToken)).one()
    assert token.scope == "read" and token.user_id == customer.user.id
    api = client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 200


def test_a_nameless_token_is_refused_beside_the_field(login_as):
    browser = login_as(make_agent())

    response = browser.post("/auth/security/api-tokens", data={"name": "  ", "scope": "read_write"})

    assert response.status_code == 400
    assert "Name the token" in response.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).all() == []


def test_the_owner_revokes_their_token_and_no_one_else_can(app, login_as):
    owner, other = make_agent(), make_agent()
    token, _raw = create_api_token(owner, "script", "read")
    stranger = signed_in(app, other)
    assert stranger.post(f"/auth/security/api-tokens/{token.id}/revoke").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None

    response = login_as(owner).post(f"/auth/security/api-tokens/{token.id}/revoke")

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None


def test_an_admin_lists_and_revokes_anyones_token(login_as):
    owner = make_agent(email="ops@example.test")
    token, _raw = create_api_token(owner, "monitoring", "read_write")
    browser = login_as(make_admin())

    page = browser.get("/admin/api-tokens/")
    revoked = browser.post(f"/admin/api-tokens/{token.id}/revoke")

    assert page.status_code == 200
    assert "ops@example.test" in page.get_data(as_text=True) and "monitoring" in page.get_data(as_text=True)
    assert revoked.status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None


def test_agents_do_not_reach_the_admin_token_list(login_as):
    assert login_as(make_agent()).get("/admin/api-tokens/").status_code == 403
