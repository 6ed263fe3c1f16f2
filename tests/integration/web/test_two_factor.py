"""Two-step sign-in: enrolling with a QR code, recovery codes shown once and kept hashed, a code
after the password before anyone is signed in, turning it off, the admin requirement and reset."""

from __future__ import annotations

import re
import time

import pyotp
from sqlalchemy import select

from app.domain.audit import AuditKind
from app.extensions import db
from app.models import AuditEntry, RecoveryCode, User
from tests import factories


def _sign_in(client, user, password: str = factories.PASSWORD):
    return client.post("/auth/login", data={"email": user.email, "password": password})


def _signed_in(client) -> bool:
    return client.get("/auth/security").status_code == 200


def _code(secret: str, offset: int = 30) -> str:
    """A code of the next time step (the step of the set-up code is never accepted again)."""
    return pyotp.TOTP(secret).at(time.time() + offset)


def _enrol(client) -> tuple[str, list[str]]:
    assert client.post("/auth/security/two-step/start").status_code == 302
    page = client.get("/auth/security").get_data(as_text=True)
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg"' in page and "style=" not in page.split("<svg", 1)[1][:3000]
    )
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    wrong = client.post("/auth/security/two-step/confirm", data={"code": "000000"})
    assert wrong.status_code == 400 and "not right" in wrong.get_data(as_text=True)
    done = client.post("/auth/security/two-step/confirm", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.get_data(as_text=True))
    return secret, codes


def test_enrolment_shows_recovery_codes_once_and_keeps_only_their_hashes(client, login_as):
    agent = factories.make_agent()
    login_as(agent)
    _, codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    page = client.get("/auth/security").get_data(as_text=True)
    assert codes[0] not in page and "10 of your recovery codes are unused" in page
    kinds = db.session.scalars(select(AuditEntry.kind)).all()
    assert AuditKind.two_factor_enabled.value in kinds


def test_the_password_alone_signs_nobody_in(app, client, login_as):
    agent = factories.make_agent()
    login_as(agent)
    secret, _ = _enrol(client)
    client.post("/auth/logout")
    response = _sign_in(client, agent)
    assert response.headers["Location"] == "/auth/two-step"
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert not _signed_in(client)
    refused = client.post("/auth/two-step", data={"code": "123456"})
    assert refused.status_code == 401 and "not right" in refused.get_data(as_text=True)
    code = _code(secret)
    assert client.post("/auth/two-step", data={"code": code}).status_code == 302
    assert _signed_in(client)
    # The same code again, on another device: refused.
    other = app.test_client()
    _sign_in(other, agent)
    assert other.post("/auth/two-step", data={"code": code}).status_code == 401


def test_a_recovery_code_works_once(app, client, login_as):
    agent = factories.make_agent()
    login_as(agent)
    _, codes = _enrol(client)
    client.post("/auth/logout")
    _sign_in(client, agent)
    assert client.post("/auth/two-step", data={"code": codes[3].upper()}).status_code == 302
    client.post("/auth/logout")
    _sign_in(client, agent)
    assert client.post("/auth/two-step", data={"code": codes[3]}).status_code == 401


def test_the_second_step_expires_and_cannot_be_reached_without_the_password(app, client, login_as):
    agent = factories.make_agent()
    login_as(agent)
    secret, _ = _enrol(client)
    client.post("/auth/logout")
    assert client.get("/auth/two-step").headers["Location"] == "/auth/login"
    _sign_in(client, agent)
    with client.session_transaction() as session:
        session["two_step"] = {**session["two_step"], "since": int(time.time()) - 3600}
    assert client.post("/auth/two-step", data={"code": _code(secret)}).headers["Location"] == "/auth/login"


def test_turning_it_off_takes_the_password_and_a_code(client, login_as):
    agent = factories.make_agent()
    login_as(agent)
    secret, _ = _enrol(client)
    no_password = client.post(
        "/auth/security/two-step/disable", data={"password": "wrong", "code": _code(secret)}
    )
    assert no_password.status_code == 400
    assert (
        client.post(
            "/auth/security/two-step/disable", data={"password": factories.PASSWORD, "code": _code(secret)}
        )
        .headers["Location"]
        .startswith("/auth/security")
    )
    db.session.expire_all()
    assert db.session.get(User, agent.id).totp_enabled_at is None
    assert db.session.scalars(select(RecoveryCode)).all() == []
    kinds = db.session.scalars(select(AuditEntry.kind).where(AuditEntry.actor_id == agent.id)).all()
    assert kinds.count("sign_in") == 1 and "two_factor_disabled" in kinds  # the sign-in of login_as


def test_admins_must_enrol_before_admin_pages_when_the_setting_says_so(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_2FA_FOR_ADMINS", True)
    login_as(factories.make_admin())
    response = client.get("/admin/users")
    assert response.headers["Location"].startswith("/auth/security")
    assert "Admin pages need two-step sign-in" in client.get("/auth/security").get_data(as_text=True)
    _enrol(client)
    assert client.get("/admin/users").status_code == 200


def test_an_admin_resets_someones_two_step_sign_in(app, client, login_as):
    agent = factories.make_agent()
    phone = app.test_client()
    _sign_in(phone, agent)
    _enrol(phone)
    admin = factories.make_admin()
    login_as(admin)
    assert "Reset two-step sign-in" in client.get("/admin/users").get_data(as_text=True)
    assert client.post(f"/admin/users/{agent.id}/reset-two-step").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, agent.id).totp_secret is None
    assert not _signed_in(phone)  # their sessions ended with the reset
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == "two_factor_reset")).one()
    assert (entry.actor_id, entry.email) == (admin.id, agent.email)
