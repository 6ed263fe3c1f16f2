"""Which views are throttled, by which setting, and the views counted only when they did what
was asked."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, make_response, request
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import TooManyRequests

from app.rate_limits.windows import app_limiter, limit_items, note_window, user_or_address


@dataclass(frozen=True, slots=True)
class Throttle:
    endpoint: str
    setting: str
    methods: tuple[str, ...]
    per_user: bool = False
    # Only answers that did what was asked count (a new request saved, not a form error).
    only_redirects: bool = False


THROTTLES = (
    Throttle("auth.login", "SIGN_IN_LIMIT", ("POST",)),
    Throttle("auth.two_step", "SIGN_IN_LIMIT", ("POST",)),
    Throttle("auth.register", "REGISTER_LIMIT", ("POST",)),
    Throttle("account.forgot", "RESET_LIMIT", ("POST",)),
    Throttle("kb.suggest", "SUGGEST_LIMIT", ("GET",)),
    Throttle("portal.new_request", "NEW_REQUEST_LIMIT", ("POST",), per_user=True, only_redirects=True),
)


def counted_when_done(throttle: Throttle, view: Callable[..., Any]) -> Callable[..., Any]:
    """A view whose limit counts only the answers that did what was asked (a redirect): refused
    with a 429 once a window is used up, counted after the view straight on the limiter's
    storage. Flask-Limiter does the same with `deduct_when`, through hooks before, after and
    at the end of every request of the view that cost it more than the count itself."""
    methods = frozenset(throttle.methods)
    key_of = user_or_address if throttle.per_user else get_remote_address
    scope = throttle.endpoint

    @functools.wraps(view)
    def counted(*args: Any, **kwargs: Any) -> Any:
        limiter = app_limiter()
        if request.method not in methods or not limiter.enabled:
            return view(*args, **kwargs)
        strategy = limiter.limiter
        key = key_of()
        items = limit_items(current_app.config[throttle.setting])
        for item in items:
            if not strategy.test(item, key, scope):
                note_window(item, key, scope)
                raise TooManyRequests()
        response = make_response(view(*args, **kwargs))
        if _redirected(response):
            for item in items:
                strategy.hit(item, key, scope)
        note_window(items[0], key, scope)
        return response

    return counted


def _redirected(response: Response) -> bool:
    return response.status_code in (302, 303)
