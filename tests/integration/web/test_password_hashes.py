"""New password hashes use the configured scrypt setting; a hash made with older settings still
signs in, and is made anew with the current setting at that sign-in (and only then)."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import User
from app.services.accounts.passwords import full_method, hash_password, needs_new_hash
from config import Config
from tests import factories

OLD_DEFAULT = "scrypt"  # werkzeug's own default: N=2^15, r=8, p=1


@pytest.fixture
def production_hashing(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", Config.PASSWORD_HASH_METHOD)


def _stored_hash(user_id: int) -> str:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user is not None
    return user.password_hash


def test_new_hashes_use_the_owasp_scrypt_setting_with_8_mib(production_hashing):
    stored = hash_password("a long enough passphrase")
    assert stored.startswith("scrypt:8192:8:10$")
    assert check_password_hash(stored, "a long enough passphrase")
    assert not needs_new_hash(stored)


def test_a_hash_with_the_old_default_signs_in_and_is_upgraded(production_hashing, client):
    old = generate_password_hash(factories.PASSWORD, method=OLD_DEFAULT)
    assert old.startswith("scrypt:32768:8:1$")
    user = factories.make_user(password_hash=old)
    response = client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    upgraded = _stored_hash(user.id)
    assert upgraded.startswith("scrypt:8192:8:10$")
    assert check_password_hash(upgraded, factories.PASSWORD)
    client.post("/auth/logout")
    # The upgraded hash signs in too, and is kept as it is.
    response = client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert _stored_hash(user.id) == upgraded


def test_a_wrong_password_leaves_an_old_hash_alone(production_hashing, client):
    old = generate_password_hash(factories.PASSWORD, method=OLD_DEFAULT)
    user = factories.make_user(password_hash=old)
    response = client.post("/auth/login", data={"email": user.email, "password": "not the password 1"})
    assert response.status_code == 401
    assert _stored_hash(user.id) == old


def test_methods_are_compared_as_stored():
    assert full_method("scrypt") == "scrypt:32768:8:1"
    assert full_method("scrypt:8192:8:10") == "scrypt:8192:8:10"
    assert full_method("pbkdf2:sha256:1000") == "pbkdf2:sha256:1000"
    assert full_method("pbkdf2").startswith("pbkdf2:sha256:")
