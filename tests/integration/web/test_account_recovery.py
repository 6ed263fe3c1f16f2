"""Email verification and password reset: links that work once, expire, and reveal nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.errors import InvalidInput
from app.extensions import db
from app.models import AuthToken, Notification, User
from app.services.accounts.recovery import request_password_reset, reset_password, verify_email
from tests import factories


def link_token(kind: str) -> str:
    body = db.session.scalars(select(Notification.body).order_by(Notification.id.desc())).first()
    return re.search(rf"/auth/{kind}/([A-Za-z0-9_\-]+)", body).group(1)


def test_registration_sends_a_link_that_verifies_once(client):
    client.post(
        "/auth/register",
        data={
            "name": "Ada",
            "email": "ada@example.test",
            "password": "long-enough-1",
            "confirm": "long-enough-1",
        },
    )
    token = link_token("verify")
    stored = db.session.scalars(select(AuthToken.token_hash)).one()
    assert token not in stored and len(stored) == 64  # only the hash is kept
    assert client.get(f"/auth/verify/{token}").headers["Location"] == "/auth/login"
    user = db.session.scalars(select(User).where(User.email == "ada@example.test")).one()
    assert user.email_verified_at is not None
    assert client.get(f"/auth/verify/{token}").status_code == 400


def test_a_forgotten_password_is_reset_through_the_emailed_link(client):
    user = factories.make_user(email="bob@example.test")
    page = client.post("/auth/forgot", data={"email": "bob@example.test"}).get_data(as_text=True)
    assert "If an account exists for that address" in page
    token = link_token("reset")
    response = client.post(
        f"/auth/reset/{token}", data={"password": "brand-new-secret", "confirm": "brand-new-secret"}
    )
    assert response.status_code == 302
    assert (
        client.post("/auth/login", data={"email": user.email, "password": "brand-new-secret"}).status_code
        == 302
    )
    again = client.post(
        f"/auth/reset/{token}", data={"password": "another-secret-1", "confirm": "another-secret-1"}
    )
    assert again.status_code == 400 and "already used" in again.get_data(as_text=True)


def test_a_reset_refuses_a_guessable_password_and_keeps_the_link_usable(client):
    factories.make_user(email="bob.builder@example.test")
    client.post("/auth/forgot", data={"email": "bob.builder@example.test"})
    token = link_token("reset")
    for weak, sentence in [("1234567890", "common password"), ("bob.builder@example.test", "email address")]:
        response = client.post(f"/auth/reset/{token}", data={"password": weak, "confirm": weak})
        assert response.status_code == 400 and sentence in response.get_data(as_text=True)
    ok = client.post(
        f"/auth/reset/{token}", data={"password": "brand-new-secret", "confirm": "brand-new-secret"}
    )
    assert ok.status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    page = client.post("/auth/forgot", data={"email": "nobody@example.test"}).get_data(as_text=True)
    assert "If an account exists for that address" in page
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_reset_links_expire_and_a_newer_one_replaces_an_older_one(now):
    user = factories.make_user()
    links: list[str] = []
    request_password_reset(user.email, links.append, now=now)
    request_password_reset(user.email, links.append, now=now + timedelta(minutes=5))
    with pytest.raises(InvalidInput, match="invalid, expired or already used"):
        reset_password(links[0], "a-long-password-1", now=now + timedelta(minutes=6))
    with pytest.raises(InvalidInput, match="expired"):
        reset_password(links[1], "a-long-password-1", now=now + timedelta(hours=2))
    request_password_reset(user.email, links.append, now=now)
    reset_password(links[2], "a-long-password-1", now=now + timedelta(minutes=30))


def test_a_token_only_works_for_its_purpose(now):
    user = factories.make_user()
    links: list[str] = []
    request_password_reset(user.email, links.append, now=now)
    with pytest.raises(InvalidInput):
        verify_email(links[0], now=now)


def test_a_reset_clears_a_lockout(client, app, now):
    user = factories.make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/auth/login", data={"email": user.email, "password": "wrong-password"})
    links: list[str] = []
    request_password_reset(user.email, links.append)
    reset_password(links[0], "a-long-password-2")
    assert (
        client.post("/auth/login", data={"email": user.email, "password": "a-long-password-2"}).status_code
        == 302
    )


def test_a_signed_in_customer_can_ask_for_a_new_verification_link(app, client, login_as):
    assert client.post("/auth/verify/resend").status_code == 302  # signed out: to the sign-in page
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    customer = factories.make_customer()
    login_as(customer.user)
    assert client.post("/auth/verify/resend").status_code == 302
    mail = db.session.scalars(select(Notification)).one()
    assert (
        mail.recipient_user_id == customer.user.id and f"{app.config['BASE_URL']}/auth/verify/" in mail.body
    )
    assert client.get(f"/auth/verify/{link_token('verify')}").status_code == 302
    assert "Please confirm your email address" not in client.get("/portal/").get_data(as_text=True)


def test_a_made_up_verification_link_is_a_400_page_with_a_way_on(client):
    response = client.get("/auth/verify/not-a-real-token")
    assert response.status_code == 400
    assert "/auth/forgot" in response.get_data(as_text=True)


def test_a_bad_reset_link_shows_the_problem_before_any_form(client):
    response = client.get("/auth/reset/not-a-real-token")
    assert response.status_code == 400
    assert "invalid, expired or already used" in response.get_data(as_text=True)
