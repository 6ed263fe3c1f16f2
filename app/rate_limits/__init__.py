"""Throttles per client address (and per account where one is named), with Flask-Limiter.

Each app gets its own limiter, with the storage its settings name (memory for one process,
Redis for several workers or hosts). The limits are read from the settings at each request, so
a deployment tunes them without code. Behind a reverse proxy the client address is only right
once the app is wrapped in werkzeug's ProxyFix.

The modules, one job each: `throttles` (which views, by which setting), `windows` (counting on
the storage, where a caller stands, the answer's headers), `hooks` (Flask-Limiter's own hooks
only where needed) and `storage` (per-process memory counts)."""

from __future__ import annotations

from typing import Any, cast

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from app.rate_limits.hooks import only_where_limited, retry_after_only_when_refused
from app.rate_limits.storage import ProcessMemoryStorage, storage_uri
from app.rate_limits.throttles import THROTTLES, counted_when_done
from app.rate_limits.windows import (
    add_headers,
    allow_for_account,
    app_limiter,
    count_api_request,
    retry_after_seconds,
    setting,
    user_or_address,
)

__all__ = [
    "ProcessMemoryStorage",
    "allow_for_account",
    "app_limiter",
    "count_api_request",
    "register",
    "retry_after_seconds",
    "storage_uri",
]


def register(app: Flask) -> None:
    limiter = Limiter(get_remote_address, storage_uri=storage_uri(app.config["RATELIMIT_STORAGE_URI"]))
    limiter.init_app(app)
    app.extensions["tierdesk_limiter"] = limiter
    for throttle in THROTTLES:
        if throttle.only_redirects:
            app.view_functions[throttle.endpoint] = counted_when_done(
                throttle, app.view_functions[throttle.endpoint]
            )
            continue
        limit = limiter.limit(
            setting(throttle.setting),
            methods=list(throttle.methods),
            key_func=user_or_address if throttle.per_user else get_remote_address,
        )
        # The limiter checks a limit when the wrapped view is called, so the wrapper replaces it
        # (typed as possibly async by Flask-Limiter, it stays a plain view here).
        app.view_functions[throttle.endpoint] = cast(Any, limit(app.view_functions[throttle.endpoint]))
    _limit_api(app, limiter)
    retry_after_only_when_refused(app, limiter)
    only_where_limited(app, limiter)


def _limit_api(app: Flask, limiter: Limiter) -> None:
    """Each API token gets API_RATE_LIMIT requests (all the API's blueprints share the count,
    `count_api_request` counts them once the token is known), and every answer says how many are
    left in `RateLimit-*` headers (and the `X-RateLimit-*` ones the rest of the site sends)."""
    names = app.extensions.get("tierdesk_api_blueprints", frozenset())
    # Flask-Limiter's own check resolves every decorated limit of the endpoint at each request,
    # which cost an API request more than counting it: the API's requests skip it.
    limiter.request_filter(lambda: request.blueprint in names)
    add_headers(app)
