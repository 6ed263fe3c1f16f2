"""Personal API tokens: shown once and stored as a digest, scoped, revocable by their owner and by
admins, last use recorded without a write per request; the session cookie never authenticates
the API, and each token has its own rate limit."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.errors import NotAllowed, NotFound
from app.extensions import db
from app.models import ApiToken, AuditEntry
from app.services.accounts.api_tokens import (
    all_api_tokens,
    authenticate_api_token,
    create_api_token,
    revoke_api_token,
)
from tests.factories import make_admin, make_agent, make_customer, make_ticket


def test_only_a_digest_of_the_token_is_stored(now):
    agent = make_agent()
    token, raw = create_api_token(agent, "  nightly   export ", "read", now=now)

    stored = db.session.get(ApiToken, token.id)
    assert raw.startswith("tdk_") and len(raw) > 40
    assert stored.name == "nightly export"
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.token_hash, stored.prefix, stored.name}
    assert db.session.scalars(select(AuditEntry.kind)).all() == ["api_token_created"]


def test_last_use_is_written_at_most_once_a_minute(now):
    token, raw = create_api_token(make_agent(), "script", "read", now=now)

    authenticate_api_token(raw, now=now)
    authenticate_api_token(raw, now=now + timedelta(seconds=30))
    after_half_a_minute = db.session.get(ApiToken, token.id).last_used_at
    authenticate_api_token(raw, now=now + timedelta(seconds=61))

    assert after_half_a_minute == now
    assert db.session.get(ApiToken, token.id).last_used_at == now + timedelta(seconds=61)


def test_a_revoked_token_or_a_deactivated_user_stops_working(client):
    agent = make_agent()
    ticket = make_ticket()
    token, raw = create_api_token(agent, "script", "read_write")
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(f"/api/v1/tickets/{ticket.id}", headers=headers).status_code == 200

    revoke_api_token(agent, token.id)
    revoked = client.get(f"/api/v1/tickets/{ticket.id}", headers=headers)

    assert revoked.status_code == 401
    assert revoked.headers["WWW-Authenticate"].startswith("Bearer")
    other_raw = create_api_token(agent, "another", "read")[1]
    agent.active = False
    db.session.commit()
    assert client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {other_raw}"}).status_code == 401


def test_only_the_owner_or_an_admin_revokes_a_token():
    owner, stranger, admin = make_agent(), make_agent(), make_admin()
    token, _raw = create_api_token(owner, "script", "read")

    with pytest.raises(NotFound):
        revoke_api_token(stranger, token.id)
    with pytest.raises(NotAllowed):
        all_api_tokens(owner)
    assert [t.id for t in all_api_tokens(admin)] == [token.id]
    revoke_api_token(admin, token.id)
    assert all_api_tokens(admin) == []


def test_a_signed_in_session_never_authenticates_the_api(client, login_as):
    customer = make_customer()
    ticket = make_ticket(customer)
    signed_in = login_as(customer.user)

    assert signed_in.get(f"/portal/tickets/{ticket.id}").status_code == 200
    assert signed_in.get(f"/api/v1/tickets/{ticket.id}").status_code == 401
    assert signed_in.post("/api/v1/tickets", json={"subject": "x", "description": "y"}).status_code == 401


def test_a_read_only_token_reads_but_does_not_write(client):
    ticket = make_ticket()
    raw = create_api_token(make_agent(tier=2), "dashboard", "read")[1]
    headers = {"Authorization": f"Bearer {raw}"}

    assert client.get(f"/api/v1/tickets/{ticket.id}", headers=headers).status_code == 200
    refused = client.post(f"/api/v1/tickets/{ticket.id}/notes", json={"body": "x"}, headers=headers)
    assert refused.status_code == 403
    assert "read-write" in refused.get_json()["detail"]


def test_each_token_has_its_own_rate_limit_with_headers(app, client):
    raw = create_api_token(make_agent(), "busy", "read")[1]
    other = create_api_token(make_agent(), "quiet", "read")[1]
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        answers = [
            client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {raw}"}) for _ in range(4)
        ]
        quiet = client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {other}"})
    finally:
        app.config["API_RATE_LIMIT"] = "10000 per minute"
        app.extensions["tierdesk_limiter"].reset()

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert answers[0].headers["RateLimit-Limit"] == "3"
    limited = answers[3]
    assert limited.headers["Content-Type"] == "application/problem+json"
    assert int(limited.headers["Retry-After"]) > 0
    assert int(limited.headers["RateLimit-Reset"]) > 0
    assert quiet.status_code == 200


def test_the_document_and_reference_page_need_no_token(client):
    document = client.get("/api/v1/openapi.json")
    page = client.get("/api/v1/docs")

    assert document.status_code == 200 and document.get_json()["openapi"] == "3.1.0"
    assert document.get_json()["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "http://" not in html and "https://" not in html  # nothing from another host
    with client.get("/static/vendor/swagger-ui-dist/swagger-ui-bundle.js") as bundle:
        assert bundle.status_code == 200


def test_token_lookup_is_cheap_for_junk():
    assert authenticate_api_token("") is None
    assert authenticate_api_token("tdk_" + "x" * 200) is None
    assert authenticate_api_token("not-a-token") is None
