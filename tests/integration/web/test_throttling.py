"""Guessing is slowed per account (counted before the password is checked, so parallel guesses
cannot slip past) and throttled per client address, with a 429 that says when to come back."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from app import create_app
from app.domain.errors import InvalidInput
from app.extensions import db
from app.models import Notification, User
from app.rate_limits import app_limiter
from app.services.accounts import sign_in
from app.services.accounts.sign_in import authenticate
from config import TestConfig
from tests import factories
from tests.redis_server import redis_server


@pytest.fixture
def limits(app, monkeypatch):
    """Sets low limits for one test, on a fresh count."""
    app_limiter().reset()

    def _set(**settings: str) -> None:
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)

    yield _set
    app_limiter().reset()


def _sign_in(client, email: str, password: str):
    return client.post("/auth/login", data={"email": email, "password": password})


def test_parallel_guesses_check_at_most_the_allowed_number_of_wrong_passwords(app, monkeypatch):
    user = factories.make_user()
    user_hash, allowed = user.password_hash, app.config["LOGIN_MAX_FAILURES"]
    checked_wrong: list[str] = []

    def counting_check(pwhash: str, password: str) -> bool:
        right = check_password_hash(pwhash, password)
        if pwhash == user_hash and not right:
            checked_wrong.append(password)
        return right

    monkeypatch.setattr(sign_in, "verify_password", counting_check)
    passwords = [f"wrong-guess-{n}" for n in range(39)] + [factories.PASSWORD]
    start = threading.Barrier(len(passwords))
    statuses: list[int] = []

    def guess(password: str) -> None:
        client = app.test_client()
        start.wait()
        statuses.append(_sign_in(client, user.email, password).status_code)

    threads = [threading.Thread(target=guess, args=(p,)) for p in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == 40 and set(statuses) <= {302, 401}
    assert 0 < len(checked_wrong) <= allowed
    db.session.rollback()  # read what the guesses wrote, not this session's earlier snapshot
    assert db.session.get(User, user.id).locked_until is not None


def test_waits_grow_and_a_waiting_account_answers_like_a_wrong_password(app, now):
    user = factories.make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        with pytest.raises(InvalidInput, match="Email or password is wrong"):
            authenticate(user.email, "wrong-password", now=now)
    for moment in (now, now + timedelta(seconds=29)):
        with pytest.raises(InvalidInput, match="Email or password is wrong"):
            authenticate(user.email, factories.PASSWORD, now=moment)
    # Once the first wait is over, one more wrong password doubles it.
    with pytest.raises(InvalidInput):
        authenticate(user.email, "wrong-again", now=now + timedelta(seconds=31))
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until == now + timedelta(seconds=31 + 60)
    assert authenticate(user.email, factories.PASSWORD, now=now + timedelta(seconds=92)).id == user.id
    db.session.expire_all()
    assert db.session.get(User, user.id).failed_logins == 6
    # The right password started no wait; an hour after the last wrong one, the count restarts.
    assert authenticate(user.email, factories.PASSWORD, now=now + timedelta(seconds=93)).id == user.id
    later = now + timedelta(seconds=93, hours=1, minutes=1)
    with pytest.raises(InvalidInput):
        authenticate(user.email, "wrong-once-more", now=later)
    db.session.expire_all()
    assert (db.session.get(User, user.id).failed_logins, db.session.get(User, user.id).locked_until) == (
        1,
        later,
    )


def test_sign_ins_across_accounts_from_one_address_are_throttled(client, limits):
    limits(SIGN_IN_LIMIT="5 per minute")
    users = [factories.make_user() for _ in range(6)]
    for user in users[:5]:
        assert _sign_in(client, user.email, "wrong-password").status_code == 401
    response = _sign_in(client, users[5].email, factories.PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "Too many attempts from here" in response.get_data(as_text=True)
    # Reading the page is not an attempt.
    assert client.get("/auth/login").status_code == 200


def test_registration_and_reset_requests_are_throttled_per_address(client, limits):
    limits(REGISTER_LIMIT="2 per hour", RESET_LIMIT="2 per hour")
    for n in range(2):
        client.post("/auth/register", data={"name": "A", "email": f"r{n}@example.test"})
        client.post("/auth/forgot", data={"email": f"r{n}@example.test"})
    assert client.post("/auth/register", data={"name": "A", "email": "r9@example.test"}).status_code == 429
    assert client.post("/auth/forgot", data={"email": "r9@example.test"}).status_code == 429


def test_reset_mails_for_one_account_are_capped_whoever_asks(client, limits):
    limits(RESET_PER_ACCOUNT_LIMIT="3 per hour")
    user = factories.make_user()
    for _ in range(20):
        response = client.post("/auth/forgot", data={"email": user.email.upper()})
        assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 3


def test_the_suggestion_endpoint_answers_json_with_retry_after(client, limits):
    limits(SUGGEST_LIMIT="3 per minute")
    for _ in range(3):
        assert client.get("/kb/suggest?q=printer").status_code == 200
    response = client.get("/kb/suggest?q=printer", headers={"Accept": "application/json"})
    assert response.status_code == 429
    assert "Try again in" in response.get_json()["message"]
    assert int(response.headers["Retry-After"]) > 0


def test_new_requests_are_counted_per_customer_and_only_when_sent(client, login_as, limits):
    limits(NEW_REQUEST_LIMIT="2 per hour")
    customer = factories.make_customer()
    login_as(customer.user)
    assert client.post("/portal/new", data={"subject": ""}).status_code == 400  # a form error
    for n in range(2):
        data = {"subject": f"Printer {n} jams", "description": "It jams on every page.", "urgency": "normal"}
        sent = client.post("/portal/new", data=data)
        assert sent.status_code == 302
        # The count is told on every answer; when to come back only on a refusal.
        assert sent.headers["X-RateLimit-Remaining"] == str(1 - n)
        assert "Retry-After" not in sent.headers
    response = client.post("/portal/new", data={"subject": "Third", "description": "x", "urgency": "normal"})
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 3601  # the window's end, rounded up


def test_several_workers_share_the_counts_in_redis(app):
    with redis_server() as url:
        settings = {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_STORAGE_URI": url,
            "SIGN_IN_LIMIT": "3 per minute",
        }
        workers = [create_app(TestConfig, **settings) for _ in range(2)]
        try:
            answers = [
                _sign_in(workers[n % 2].test_client(), "nobody@example.test", "wrong-password").status_code
                for n in range(4)
            ]
        finally:
            for worker in workers:
                with worker.app_context():
                    db.engine.dispose()
    assert answers == [401, 401, 401, 429]
