from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, User
from tests import factories


def _sign_in(client, email, password, next_url=""):
    return client.post("/auth/login", data={"email": email, "password": password, "next": next_url})


def test_a_user_signs_in_and_lands_on_their_home(client):
    agent = factories.make_agent(tier=2)
    response = _sign_in(client, agent.email, factories.PASSWORD)
    assert response.status_code == 302
    assert client.get("/").headers["Location"].startswith("/desk")


def test_a_wrong_password_is_a_401_with_a_sentence(client):
    user = factories.make_user()
    response = _sign_in(client, user.email, "not-the-password")
    assert response.status_code == 401
    assert "Email or password is wrong." in response.get_data(as_text=True)


def test_an_unknown_email_gets_the_same_answer(client):
    response = _sign_in(client, "nobody@example.test", "whatever-password")
    assert response.status_code == 401
    assert "Email or password is wrong." in response.get_data(as_text=True)


def test_repeated_failures_make_the_account_wait_and_say_so_like_a_wrong_password(client, app):
    user = factories.make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert _sign_in(client, user.email, "wrong-password").status_code == 401
    response = _sign_in(client, user.email, factories.PASSWORD)
    assert response.status_code == 401
    assert "Email or password is wrong." in response.get_data(as_text=True)


def test_a_safe_next_is_followed_and_a_foreign_one_ignored(client):
    user = factories.make_agent()
    response = _sign_in(client, user.email, factories.PASSWORD, next_url="/desk/queues/tier-1")
    assert response.headers["Location"] == "/desk/queues/tier-1"
    client.post("/auth/logout")
    response = _sign_in(client, user.email, factories.PASSWORD, next_url="https://evil.test/")
    assert response.headers["Location"] == "/"


def test_sign_out_is_a_post_and_ends_the_session(client, login_as):
    login_as(factories.make_agent())
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/desk/").headers["Location"].startswith("/auth/login")


def test_a_deactivated_user_cannot_sign_in(client):
    user = factories.make_agent(active=False)
    response = _sign_in(client, user.email, factories.PASSWORD)
    assert response.status_code == 401
    assert "deactivated" in response.get_data(as_text=True)


def test_a_customer_registers_and_gets_a_contact_and_a_hashed_password(client):
    response = client.post(
        "/auth/register",
        data={
            "name": "Ada Lovelace",
            "email": "Ada@Example.test",
            "password": "analytical-engine",
            "confirm": "analytical-engine",
        },
    )
    assert response.status_code == 302
    user = db.session.scalars(select(User).where(User.email == "ada@example.test")).one()
    assert user.password_hash != "analytical-engine"
    assert user.password_hash.startswith(("pbkdf2:", "scrypt:"))
    assert db.session.scalars(select(Customer).where(Customer.user_id == user.id)).one()


def test_registration_errors_are_shown_and_nothing_is_saved(client):
    factories.make_user(email="taken@example.test")
    cases = [
        (
            {"name": "", "email": "a@example.test", "password": "long-enough-1", "confirm": "long-enough-1"},
            "This field is required.",
        ),
        (
            {"name": "A", "email": "not-an-email", "password": "long-enough-1", "confirm": "long-enough-1"},
            "valid email",
        ),
        ({"name": "A", "email": "b@example.test", "password": "short", "confirm": "short"}, "at least 10"),
        (
            {"name": "A", "email": "b@example.test", "password": "password123", "confirm": "password123"},
            "very common password",
        ),
        (
            {
                "name": "Ann Smith",
                "email": "ann.smith@example.test",
                "password": "ann.smith@example.test",
                "confirm": "ann.smith@example.test",
            },
            "not your email address or name",
        ),
        (
            {"name": "A", "email": "c@example.test", "password": "long-enough-1", "confirm": "other-one-2"},
            "The passwords differ.",
        ),
    ]
    for data, message in cases:
        response = client.post("/auth/register", data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
