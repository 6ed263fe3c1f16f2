"""Security defaults that must hold for every deployment."""

from __future__ import annotations

import re

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import User
from config import TestConfig
from tests import factories


@pytest.fixture
def csrf_client(app):
    """A client of an app like the test one but with CSRF protection switched on."""
    protected = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        WTF_CSRF_ENABLED=True,
    )
    with protected.app_context():
        yield protected.test_client()
        db.session.remove()
        db.engine.dispose()


def test_a_form_post_without_the_csrf_token_is_refused(csrf_client):
    response = csrf_client.post(
        "/auth/register",
        data={
            "name": "Mallory",
            "email": "mallory@example.test",
            "password": "long-enough-1",
            "confirm": "long-enough-1",
        },
    )
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_form_post_with_the_token_is_accepted(csrf_client):
    page = csrf_client.get("/auth/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post(
        "/auth/register",
        data={
            "csrf_token": token,
            "name": "Ada",
            "email": "ada@example.test",
            "password": "long-enough-1",
            "confirm": "long-enough-1",
        },
    )
    assert response.status_code == 302


def test_session_cookies_are_httponly_and_samesite_lax(client):
    user = factories.make_user()
    response = client.post(
        "/auth/login", data={"email": user.email, "password": factories.PASSWORD, "remember": "y"}
    )
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    remember = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session, remember):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


@pytest.mark.parametrize("key", ["", "dev-only-not-secret"])
def test_production_refuses_a_missing_or_short_secret(key):
    from config import ProductionConfig

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, SECRET_KEY=key, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_refuses_a_base_url_that_is_not_https():
    from config import ProductionConfig

    strong = "k" * 40
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app(ProductionConfig, SECRET_KEY=strong, SQLALCHEMY_DATABASE_URI="sqlite://")
    create_app(
        ProductionConfig,
        SECRET_KEY=strong,
        BASE_URL="https://desk.example",
        SQLALCHEMY_DATABASE_URI="sqlite://",
    )


def test_development_without_a_key_generates_one_kept_in_the_instance_folder(tmp_path):
    from flask import Flask

    from app.secret_key import resolve_secret_key

    def started() -> str:
        app = Flask(__name__, instance_path=str(tmp_path / "instance"))
        app.config["SECRET_KEY"] = ""
        resolve_secret_key(app, production=False)
        return app.config["SECRET_KEY"]

    key = started()
    assert len(key) >= 32
    assert started() == key  # sessions survive a restart
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0  # the owner's alone


def test_an_unknown_page_is_a_404_page_not_a_500(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert client.get("/api/nothing", headers={"Accept": "application/json"}).is_json


def _token(page: str, name: str = "csrf_token") -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]+)"', page).group(1)


def test_prefixed_desk_forms_carry_working_tokens(csrf_client):
    agent = factories.make_agent(tier=2)
    ticket = factories.make_ticket(tier=1)
    login_page = csrf_client.get("/auth/login").get_data(as_text=True)
    csrf_client.post(
        "/auth/login",
        data={"csrf_token": _token(login_page), "email": agent.email, "password": factories.PASSWORD},
    )
    page = csrf_client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate ids on the ticket page"
    url = f"/desk/tickets/{ticket.id}/reply"  # the composer: a note here
    assert csrf_client.post(url, data={"reply-mode": "note", "reply-body": "forged"}).status_code == 400
    response = csrf_client.post(
        url,
        data={
            "reply-csrf_token": _token(page, "reply-csrf_token"),
            "reply-mode": "note",
            "reply-body": "with token",
        },
    )
    assert response.status_code == 302


def test_an_id_beyond_any_row_is_not_found_on_every_route(client, login_as):
    login_as(factories.make_admin())
    huge = 10**20
    for url in (
        f"/desk/tickets/{huge}",
        f"/desk/customers/{huge}",
        f"/admin/teams/{huge}/edit",
        f"/admin/rules/{huge}/edit",
        f"/kb/nothing-{huge}",
    ):
        assert client.get(url).status_code == 404, url


def test_every_page_forbids_framing_sniffing_and_foreign_scripts(client, login_as):
    for path in ["/auth/login", "/kb/", "/no/such/page"]:
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # only in production, behind HTTPS
    assert "no-store" not in client.get("/auth/login").headers.get("Cache-Control", "")


def test_signed_in_pages_are_not_stored_but_static_files_are(client, login_as):
    login_as(factories.make_agent(tier=1))
    assert client.get("/desk/").headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/app.css")
    static.close()  # a file response: let go of the file
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")


def test_production_sends_hsts(tmp_path):
    from config import ProductionConfig

    app = create_app(
        ProductionConfig,
        SECRET_KEY="x" * 40,
        BASE_URL="https://desk.example.com",
        SQLALCHEMY_DATABASE_URI="sqlite://",
    )
    response = app.test_client().get("/auth/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_every_sign_in_security_form_refuses_a_missing_or_foreign_token(csrf_client):
    admin = factories.make_admin()
    agent = factories.make_agent()
    page = csrf_client.get("/auth/login").get_data(as_text=True)
    # The token of the session before sign-in: sign-in renews it, so it is foreign from then on.
    foreign = _token(page)
    csrf_client.post(
        "/auth/login", data={"csrf_token": _token(page), "email": admin.email, "password": factories.PASSWORD}
    )
    posts = [
        (
            "/auth/security/password",
            {"current": factories.PASSWORD, "password": "x" * 12, "confirm": "x" * 12},
        ),
        ("/auth/security/two-step/start", {}),
        ("/auth/security/two-step/confirm", {"code": "123456"}),
        ("/auth/security/two-step/disable", {"password": factories.PASSWORD, "code": "123456"}),
        (f"/admin/users/{agent.id}/reset-two-step", {}),
        ("/auth/security/sign-out-everywhere", {}),
        ("/auth/two-step", {"code": "123456"}),
    ]
    for url, data in posts:
        for token in (None, foreign):
            sent = dict(data, csrf_token=token) if token else data
            response = csrf_client.post(url, data=sent)
            assert response.status_code == 400, (url, token)
            assert "security token" in response.get_data(as_text=True), url
    # With its own token the same form goes through.
    security = csrf_client.get("/auth/security").get_data(as_text=True)
    assert (
        csrf_client.post("/auth/security/two-step/start", data={"csrf_token": _token(security)}).status_code
        == 302
    )


def test_error_pages_speak_our_words(client, login_as):
    page = client.get("/no/such/page").get_data(as_text=True)
    assert "We could not find that page" in page and "requested URL" not in page
    assert "Back to the start" in page
    login_as(factories.make_customer().user)
    response = client.get("/desk/")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "You cannot open this page" in page and "Back to my requests" in page
    response = client.get("/portal/tickets/999999")
    assert response.status_code == 404 and "We could not find that page" in response.get_data(as_text=True)


def test_an_unexpected_failure_is_a_page_in_our_words(app):
    failing = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], PROPAGATE_EXCEPTIONS=False
    )

    @failing.get("/_test/boom")
    def boom():
        raise RuntimeError("boom")

    with failing.app_context():
        response = failing.test_client().get("/_test/boom")
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page and "boom" not in page


def _signed_in_customer(csrf_client) -> str:
    """Sign a customer in through the protected app; their new-request form's page."""
    customer = factories.make_customer()
    login_page = csrf_client.get("/auth/login").get_data(as_text=True)
    csrf_client.post(
        "/auth/login",
        data={"csrf_token": _token(login_page), "email": customer.user.email, "password": factories.PASSWORD},
    )
    return csrf_client.get("/portal/new").get_data(as_text=True)


class _SignedLongAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return super().get_timestamp() - 86_400


def test_a_form_page_answering_a_post_shows_the_token_it_came_with(csrf_client):
    _signed_in_customer(csrf_client)
    with csrf_client.session_transaction() as session:
        secret = session["csrf_token"]
    # Signed a day ago: a token signed for the page now would differ from it.
    token = URLSafeTimedSerializer(
        csrf_client.application.secret_key, salt="wtf-csrf-token", signer=_SignedLongAgo
    ).dumps(secret)
    refused = csrf_client.post("/portal/new", data={"csrf_token": token, "subject": "", "description": ""})
    assert refused.status_code == 400
    assert _token(refused.get_data(as_text=True)) == token
    # The token shown again still opens the request.
    sent = csrf_client.post(
        "/portal/new",
        data={
            "csrf_token": token,
            "subject": "Export stops",
            "description": "The monthly export stops half way with an error about the file size.",
            "category": "technical",
            "urgency": "normal",
        },
    )
    assert sent.status_code == 302


@pytest.mark.parametrize(
    ("posted", "reason"),
    [
        (None, "missing"),
        ("not-a-signed-token", "invalid"),
        ("tampered", "invalid"),
        ("another-session", "do not match"),
    ],
)
def test_a_post_with_a_bad_token_is_refused_with_flask_wtfs_reason(csrf_client, caplog, posted, reason):
    token = _token(_signed_in_customer(csrf_client))
    if posted == "tampered":
        posted = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif posted == "another-session":  # signed with the app's key, for another session's secret
        secret = csrf_client.application.secret_key
        posted = URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps("0" * 40)
    data = {"subject": "Export stops", "description": "The monthly export stops half way, every time."}
    if posted is not None:
        data["csrf_token"] = posted
    with caplog.at_level("INFO", logger="flask_wtf.csrf"):
        response = csrf_client.post("/portal/new", data=data)
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert any(reason in record.getMessage() for record in caplog.records)


def test_a_post_over_https_needs_a_referrer_of_this_site(csrf_client):
    token = _token(_signed_in_customer(csrf_client))
    data = {"csrf_token": token, "subject": "", "description": ""}
    secure = {"base_url": "https://localhost"}
    assert csrf_client.post("/portal/new", data=data, **secure).status_code == 400
    foreign = csrf_client.post("/portal/new", data=data, headers={"Referer": "https://evil.test/x"}, **secure)
    assert foreign.status_code == 400
    same = csrf_client.post(
        "/portal/new", data=data, headers={"Referer": "https://localhost/portal/new"}, **secure
    )
    assert "security token" not in same.get_data(as_text=True)
