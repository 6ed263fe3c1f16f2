"""Sign-in and registration do not tell whether an address has an account: the same answer,
and the same work (one password hash) either way."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import Notification, User
from app.services.accounts import passwords, sign_in
from tests import factories


@pytest.fixture
def hash_checks(monkeypatch) -> list[str]:
    """Counts the password hash checks of sign-in."""
    calls: list[str] = []

    def counting(pwhash: str, password: str) -> bool:
        calls.append(password)
        return check_password_hash(pwhash, password)

    monkeypatch.setattr(sign_in, "verify_password", counting)
    return calls


def _answer(client, email: str, password: str) -> tuple[int, str]:
    response = client.post("/auth/login", data={"email": email, "password": password})
    return response.status_code, response.get_data(as_text=True).replace(email, "EMAIL")


def test_unknown_waiting_and_wrong_get_one_answer_after_one_hash_check(client, app, hash_checks):
    known = factories.make_user()
    waiting = factories.make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _answer(client, waiting.email, "wrong-password")
    hash_checks.clear()
    answers = []
    for email, password in [
        (known.email, "wrong-password"),
        ("nobody@example.test", "wrong-password"),
        (waiting.email, factories.PASSWORD),
    ]:
        answers.append(_answer(client, email, password))
        assert len(hash_checks) == 1, email
        hash_checks.clear()
    assert answers[0][0] == 401
    assert answers[0] == answers[1] == answers[2]


def _register(client, email: str):
    return client.post(
        "/auth/register",
        data={"name": "Eve Example", "email": email, "password": "long-enough-1", "confirm": "long-enough-1"},
    )


def test_registering_a_known_address_answers_like_a_new_one_and_mails_its_owner(client, monkeypatch):
    hashed: list[str] = []

    def counting(password: str, method: str) -> str:
        hashed.append(password)
        return generate_password_hash(password, method=method)

    monkeypatch.setattr(passwords, "generate_password_hash", counting)
    owner = factories.make_user(email="owner@example.test")
    contact = factories.make_customer(with_user=False, email="contact@example.test")
    hashed.clear()
    new = _register(client, "newcomer@example.test")
    known = _register(client, "Owner@Example.test")
    contact_only = _register(client, contact.email)
    assert len(hashed) == 3  # the same work each time
    for response in (new, known, contact_only):
        assert response.status_code == 302
        assert response.headers["Location"] == new.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(User)) == 2
    mails = {n.recipient_email: n for n in db.session.scalars(select(Notification))}
    assert "someone tried to create a Tierdesk account" in mails[owner.email].body
    assert mails[owner.email].recipient_user_id == owner.id
    assert "ask support to invite you" in mails[contact.email].body
    assert "Confirm your email address" in mails["newcomer@example.test"].subject
    page = client.get(new.headers["Location"]).get_data(as_text=True)
    assert "Check your email" in page
    # Nobody is signed in by registering: the new account signs in after confirming.
    assert client.get("/auth/security").status_code == 302
