"""Sessions can be ended: sign-out, a password change or reset, and "sign out everywhere" make
every saved session cookie and remember cookie of the person useless; sign-in starts afresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from app.services.accounts.recovery import request_password_reset, reset_password
from tests import factories


def _sign_in(client, user, remember: bool = False):
    data = {"email": user.email, "password": factories.PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302
    return response


def _copy(app, client, name: str):
    """Another browser holding only a copy of this client's cookie `name`."""
    other = app.test_client()
    other.set_cookie(name, client.get_cookie(name).value)
    return other


def _signed_in(client) -> bool:
    return client.get("/auth/security").status_code == 200


def test_a_saved_session_cookie_stops_working_after_sign_out(app, client):
    agent = factories.make_agent()
    _sign_in(client, agent)
    saved = _copy(app, client, "session")
    assert _signed_in(saved)
    client.post("/auth/logout")
    assert not _signed_in(saved)


def test_a_remember_cookie_stops_working_after_a_password_reset(app, client):
    agent = factories.make_agent()
    _sign_in(client, agent, remember=True)
    remembered = _copy(app, client, "remember_token")
    assert _signed_in(remembered)
    links: list[str] = []
    request_password_reset(agent.email, links.append)
    reset_password(links[0].rsplit("/", 1)[-1], "a-brand-new-password-7")
    assert not _signed_in(_copy(app, client, "remember_token"))
    assert not _signed_in(client)


def test_sign_out_everywhere_ends_the_other_devices_too(app, client):
    agent = factories.make_agent()
    phone = app.test_client()
    _sign_in(client, agent, remember=True)
    _sign_in(phone, agent, remember=True)
    remembered = _copy(app, phone, "remember_token")
    assert "Sign out everywhere" in client.get("/auth/security").get_data(as_text=True)
    response = client.post("/auth/security/sign-out-everywhere")
    assert response.headers["Location"].startswith("/auth/login")
    assert not _signed_in(client)
    assert not _signed_in(phone)
    assert not _signed_in(remembered)


def test_customers_find_the_button_from_their_profile(client):
    customer = factories.make_customer()
    _sign_in(client, customer.user)
    assert "/auth/security" in client.get("/portal/profile").get_data(as_text=True)
    assert "Sign out everywhere" in client.get("/auth/security").get_data(as_text=True)


def test_a_password_change_keeps_this_session_and_ends_the_others(app, client):
    agent = factories.make_agent()
    laptop = app.test_client()
    _sign_in(client, agent)
    _sign_in(laptop, agent)
    refused = client.post(
        "/auth/security/password",
        data={"current": "not-it", "password": "a-brand-new-password-7", "confirm": "a-brand-new-password-7"},
    )
    assert refused.status_code == 400
    assert "not your current password" in refused.get_data(as_text=True)
    assert _signed_in(laptop)
    response = client.post(
        "/auth/security/password",
        data={
            "current": factories.PASSWORD,
            "password": "a-brand-new-password-7",
            "confirm": "a-brand-new-password-7",
        },
    )
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(laptop)
    assert (
        app.test_client()
        .post("/auth/login", data={"email": agent.email, "password": "a-brand-new-password-7"})
        .status_code
        == 302
    )


def test_sign_in_starts_a_new_session_with_a_new_form_token(client):
    agent = factories.make_agent()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["csrf_token"] = "a token someone else knows"
    _sign_in(client, agent)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") not in (None, "a token someone else knows")


def test_a_session_naming_the_user_without_its_generation_is_refused(client):
    agent = factories.make_agent()
    with client.session_transaction() as session:
        session["_user_id"] = str(agent.id)
        session["_fresh"] = True
    assert not _signed_in(client)


def test_remember_me_lasts_fourteen_days(client):
    agent = factories.make_agent()
    response = _sign_in(client, agent, remember=True)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=14))) < timedelta(minutes=5)
