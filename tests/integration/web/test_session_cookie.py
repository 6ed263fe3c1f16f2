"""The session cookie keeps its serializer and derived key per process, and still is Flask's
cookie: the same signature and expiry, a rotated key read through SECRET_KEY_FALLBACKS, and a
cookie signed with any other key refused. A cookie (or CSRF token) found valid once is
kept: read again, it is checked for its age only and its data is a copy."""

from __future__ import annotations

import time

import pytest
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app import session_cookie
from app.csrf_tokens import KeptSerializerCSRFProtect
from app.domain.vocabulary import Role
from app.session_cookie import KeptSerializerSessionInterface, KeptValuesSerializer
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
    other = app.test_client()
    other.set_cookie("session", _forged(cookie.value))
    assert not _signed_in(other)
    other.set_cookie("session", cookie.value)
    assert _signed_in(other)


def test_a_cookie_read_again_is_checked_for_its_age_and_shares_nothing(app, monkeypatch):
    serializer = KeptSerializerSessionInterface().get_signing_serializer(app)
    assert isinstance(serializer, KeptValuesSerializer)
    data = {"_user_id": "7:3", "_flashes": [("success", "Request TD-1 received.")]}
    cookie = serializer.dumps(data)
    first = serializer.loads(cookie, max_age=60)
    assert first == data
    first["_flashes"].append(("info", "changed by a request"))
    assert serializer.loads(cookie, max_age=60) == data  # the kept copy is untouched
    signed_at = time.time()
    monkeypatch.setattr(time, "time", lambda: signed_at + 61)
    with pytest.raises(SignatureExpired):
        serializer.loads(cookie, max_age=60)
    monkeypatch.setattr(time, "time", lambda: signed_at - 3600)  # a clock set back
    with pytest.raises(SignatureExpired):
        serializer.loads(cookie, max_age=60)


def test_a_cookie_found_valid_is_kept_and_a_forged_one_never(app):
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)
    ours = KeptSerializerSessionInterface().get_signing_serializer(app)
    assert flasks is not None and isinstance(ours, KeptValuesSerializer)
    cookie = flasks.dumps({"_user_id": "7:3"})
    forged = _forged(cookie)
    for _ in range(2):
        with pytest.raises(BadSignature):
            ours.loads(forged)
        assert ours.loads(cookie) == {"_user_id": "7:3"}
    assert cookie in ours._values and forged not in ours._values


def test_the_kept_values_are_bounded(app, monkeypatch):
    monkeypatch.setattr(session_cookie, "KEPT_VALUES", 3)
    serializer = KeptSerializerSessionInterface().get_signing_serializer(app)
    assert isinstance(serializer, KeptValuesSerializer)
    cookies = [serializer.dumps({"n": n}) for n in range(5)]
    assert not serializer._values  # what it signs is not kept, only what it read
    assert [serializer.loads(cookie) for cookie in cookies] == [{"n": n} for n in range(5)]
    assert list(serializer._values) == cookies[2:]
    assert [serializer.loads(cookie) for cookie in cookies] == [{"n": n} for n in range(5)]


def test_a_posted_csrf_token_is_checked_once_and_a_forged_one_refused(app):
    protect = KeptSerializerCSRFProtect()
    with app.test_request_context():
        serializer = protect._serializer()
        flask_wtf = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
        token = flask_wtf.dumps("raw-token")
        assert serializer.loads(token) == "raw-token"
        assert token in serializer._values
        assert serializer.loads(token) == "raw-token"
        with pytest.raises(BadSignature):
            serializer.loads(_forged(token))


def _forged(signed: str) -> str:
    """`signed` with its signature's first character changed: all six of that character's bits
    are the signature's (the last character's lowest bits are base64 padding, so changing an A
    to a B there can leave the same signature)."""
    body, _, signature = signed.rpartition(".")
    return f"{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
