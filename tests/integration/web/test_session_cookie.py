"""The session cookie keeps its serializer and derived key per process, and still is Flask's
cookie: the same signature and expiry, a rotated key read through SECRET_KEY_FALLBACKS, and a
cookie signed with any other key refused."""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface

from app.domain.vocabulary import Role
from app.session_cookie import KeptSerializerSessionInterface
from tests import factories


def _signed_in(client) -> bool:
    return client.get("/auth/security").status_code == 200


def test_the_kept_serializer_signs_exactly_as_flask_does(app):
    data = {"_user_id": "7:3", "_fresh": True, "csrf_token": "abc"}
    ours = KeptSerializerSessionInterface().get_signing_serializer(app)
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)
    assert ours is not None and flasks is not None
    assert flasks.loads(ours.dumps(data)) == data
    assert ours.loads(flasks.dumps(data)) == data
    # Kept while the key stays, and both signers agree with a fresh one each time.
    assert KeptSerializerSessionInterface().get_signing_serializer(app) is not ours
    interface = KeptSerializerSessionInterface()
    assert interface.get_signing_serializer(app) is interface.get_signing_serializer(app)


def test_a_new_secret_key_ends_sessions_unless_the_old_one_is_a_fallback(app, client, login_as, monkeypatch):
    login_as(factories.make_user(role=Role.customer))
    assert _signed_in(client)
    old = app.config["SECRET_KEY"]
    monkeypatch.setitem(app.config, "SECRET_KEY", old + "-rotated")
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old])
    assert _signed_in(client)  # signed with the old key, read through the fallback
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    assert not _signed_in(client)


def test_a_cookie_with_a_forged_signature_is_refused(app, client, login_as):
    login_as(factories.make_user(role=Role.customer))
    cookie = client.get_cookie("session")
    assert cookie is not None
    body, _, signature = cookie.value.rpartition(".")
    forged = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    other = app.test_client()
    other.set_cookie("session", f"{body}.{forged}")
    assert not _signed_in(other)
    other.set_cookie("session", cookie.value)
    assert _signed_in(other)
