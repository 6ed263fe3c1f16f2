"""Where a caller stands in a limit: counting straight on the limiter's storage, the answer's
`RateLimit-*` headers and a 429's `Retry-After`."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, Response, current_app, g
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import RateLimitItem, parse_many

_HEADER_NAMES = frozenset(
    name.lower()
    for name in (
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "RateLimit-Policy",
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
    )
)


@dataclass(frozen=True, slots=True)
class RateWindow:
    """Where the caller (an API token, a customer sending requests) stands in the limit this
    request was counted against."""

    item: RateLimitItem
    remaining: int
    reset_at: int  # when the window frees a request, in seconds since the epoch


def app_limiter() -> Limiter:
    limiter: Limiter = current_app.extensions["tierdesk_limiter"]
    return limiter


def note_window(item: RateLimitItem, key: str, scope: str) -> None:
    """Where the caller stands in `item` (for the answer's headers and a 429's Retry-After)."""
    stats = app_limiter().limiter.get_window_stats(item, key, scope)
    g.rate_window = RateWindow(item, stats.remaining, int(stats.reset_time + 1))


@lru_cache(maxsize=8)
def limit_items(setting: str) -> tuple[RateLimitItem, ...]:
    """A limit setting's items ("10 per minute;60 per hour"), shortest window first."""
    return tuple(sorted(parse_many(setting)))


def add_headers(app: Flask) -> None:
    """Every answer counted against a limit says how many requests are left, in `RateLimit-*`
    headers (and the `X-RateLimit-*` ones Flask-Limiter sends)."""

    @app.after_request
    def rate_limit_headers(response: Response) -> Response:
        window: RateWindow | None = g.get("rate_window")
        if window is None:
            return response
        headers = response.headers
        amount = str(window.item.amount)
        seconds = window.reset_at - time.time()
        values = (
            ("RateLimit-Limit", amount),
            ("RateLimit-Remaining", str(max(0, window.remaining))),
            ("RateLimit-Reset", str(max(0, math.ceil(seconds)))),
            ("RateLimit-Policy", f"{amount};w={window.item.get_expiry()}"),
            ("X-RateLimit-Limit", amount),
            ("X-RateLimit-Remaining", str(window.remaining)),
            ("X-RateLimit-Reset", str(window.reset_at)),
        )
        # Appended at once where the answer carries none of them (one look at the names
        # present, rather than a search of the headers per name); set one by one otherwise.
        if _HEADER_NAMES.isdisjoint(name.lower() for name, _value in headers):
            headers.extend(values)
        else:
            for name, value in values:
                headers[name] = value
        return response


def count_api_request(token_id: int) -> bool:
    """Count one API request of a token against each of API_RATE_LIMIT's limits, shortest window
    first, straight on the limiter's storage (memory or Redis, as configured); False once the
    token is over one of them (that request is not counted). The limit the answer's headers
    describe is the one that refused, else the shortest."""
    limiter = app_limiter()
    if not limiter.enabled:
        return True
    strategy = limiter.limiter
    key = f"api-token:{token_id}"
    items = limit_items(current_app.config["API_RATE_LIMIT"])
    shown, allowed = items[0], True
    for item in items:
        if not strategy.hit(item, key, "api"):
            shown, allowed = item, False
            break
    note_window(shown, key, "api")
    return allowed


def allow_for_account(setting: str, account: str) -> bool:
    """Count one use of something per named account (a reset mail, say); False once the account
    used up its limit in this window."""
    limiter = app_limiter()
    if not limiter.enabled:
        return True
    return all(
        limiter.limiter.hit(item, setting.lower(), account.lower())
        for item in parse_many(current_app.config[setting])
    )


def retry_after_seconds() -> int:
    """Seconds until the limit this request ran into lets the next one through."""
    window: RateWindow | None = g.get("rate_window")
    if window is not None:
        return max(1, math.ceil(window.reset_at - time.time()))
    limit = app_limiter().current_limit
    if limit is None:
        return 60
    return max(1, math.ceil(limit.reset_at - time.time()))


def setting(name: str) -> Callable[[], str]:
    """A limit read from the settings at each request."""
    return lambda: str(current_app.config[name])


def user_or_address() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()
