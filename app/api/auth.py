"""Who is calling: a personal API token in `Authorization: Bearer …`, never the session cookie
(so the API needs no CSRF token). The request then acts with exactly the token owner's rights;
a read-only token may only read."""

from __future__ import annotations

from flask import Flask, Response, g, request
from werkzeug.exceptions import TooManyRequests

from app.api.problems import problem
from app.models.types import utcnow
from app.rate_limits import count_api_request
from app.services.accounts.api_tokens import authenticate_api_token, token_owner

READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="tierdesk"'}


def api_user():
    """The user the current API request acts as (set by `authenticate`)."""
    return g.api_user


def register(app: Flask, blueprints: frozenset[str]) -> None:
    @app.before_request
    def authenticate() -> Response | None:
        if request.blueprint not in blueprints:
            return None
        scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            return problem(
                401,
                "Unauthorized",
                "Send a personal API token as 'Authorization: Bearer <token>'.",
                headers=CHALLENGE,
            )
        token = authenticate_api_token(raw.strip(), now=utcnow())
        if token is None:
            return problem(401, "Unauthorized", "This token is unknown or revoked.", headers=CHALLENGE)
        if request.method not in READING_METHODS and not token.can_write:
            return problem(
                403, "Forbidden", "This token may only read; create a read-write token to change things."
            )
        g.api_token_id = token.id
        g.api_user = token_owner(token)
        if not count_api_request(token.id):
            raise TooManyRequests()
        return None
