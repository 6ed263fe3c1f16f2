"""The rate-limit and security headers: appended once where the answer has none of them, and a
header the view set itself replaced (rate limits, Cache-Control) or kept (the policies) as
before."""

from __future__ import annotations

import time

from flask import Flask, g, session
from limits import parse

from app.rate_limits.windows import RateWindow, add_headers
from app.security_headers import register

NAMES = [
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
]


def _app() -> Flask:
    app = Flask(__name__)
    app.secret_key = "test-answer-headers"
    add_headers(app)
    register(app)

    @app.get("/counted")
    def counted():
        g.rate_window = RateWindow(parse("5 per minute"), 3, int(time.time()) + 30)
        session["_user_id"] = "7:0"
        return "ok"

    @app.get("/counted-own")
    def counted_own():
        g.rate_window = RateWindow(parse("5 per minute"), 3, int(time.time()) + 30)
        session["_user_id"] = "7:0"
        return "ok", {
            "X-RateLimit-Remaining": "99",
            "Cache-Control": "public",
            "X-Frame-Options": "SAMEORIGIN",
        }

    return app


def test_the_headers_are_appended_once_each():
    answer = _app().test_client().get("/counted")
    names = [name for name, _value in answer.headers]
    for name in [*NAMES, "Cache-Control", "X-Frame-Options", "Content-Security-Policy"]:
        assert names.count(name) == 1, name
    assert answer.headers["RateLimit-Limit"] == "5"
    assert answer.headers["X-RateLimit-Remaining"] == "3"
    assert answer.headers["RateLimit-Policy"] == "5;w=60"
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_header_the_view_set_is_replaced_or_kept_as_before():
    answer = _app().test_client().get("/counted-own")
    names = [name for name, _value in answer.headers]
    assert names.count("X-RateLimit-Remaining") == 1 and answer.headers["X-RateLimit-Remaining"] == "3"
    assert names.count("Cache-Control") == 1 and answer.headers["Cache-Control"] == "no-store"
    assert answer.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
