"""Flask-Limiter's request hooks, run only where they have something to do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from flask import Flask, Response, request
from flask_limiter import Limiter

from app.rate_limits.throttles import THROTTLES


def only_where_limited(app: Flask, limiter: Limiter) -> None:
    """Flask-Limiter's own hooks run for every request: before the view it looks for default,
    application and blueprint limits; after it, it counts conditional hits and writes headers;
    at the end it forgets the request's counts. Here no page or blueprint has limits of the
    first kind (the API's requests are left out of them and counted by `count_api_request`; a
    throttled view checks its own in its decorator), and only the views Flask-Limiter throttles
    have anything to count: the before-view pass is dropped, and the other two are wrapped to
    run on those views only. With default or application limits configured, every hook runs as
    usual."""
    if app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION"):
        return
    # The views counted only when done count by themselves (`counted_when_done`).
    throttled = frozenset(throttle.endpoint for throttle in THROTTLES if not throttle.only_redirects)

    def gated(hook: Callable[..., Any], passes_through: bool) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            if request.endpoint in throttled:
                return hook(*args)
            return args[0] if passes_through else None

        return run

    before = cast(dict[str | None, list[Any]], app.before_request_funcs)
    before[None] = [f for f in before.get(None, []) if not _owned(f, limiter)]
    for registry, passes_through in ((app.after_request_funcs, True), (app.teardown_request_funcs, False)):
        hooks = cast(dict[str | None, list[Any]], registry)
        functions = hooks.get(None, [])
        hooks[None] = [gated(f, passes_through) if _owned(f, limiter) else f for f in functions]


def _owned(function: Any, limiter: Limiter) -> bool:
    """Whether a hook is Flask-Limiter's (a bound method, or a partial of one, of this limiter)."""
    bound = getattr(function, "__self__", None)
    arguments: tuple[Any, ...] = getattr(function, "args", ())  # a functools.partial's
    return bound is limiter or limiter in arguments[:1] or getattr(function, "limiter", None) is limiter


def retry_after_only_when_refused(app: Flask, limiter: Limiter) -> None:
    """Flask-Limiter puts `Retry-After` on every answer of a throttled view, as if each one were
    refused; it belongs on a 429 (and on a 503 that sets its own). Its header is taken off any
    other answer that did not carry one before."""
    hooks = cast(dict[str | None, list[Any]], app.after_request_funcs)

    def answered(hook: Callable[[Response], Response]) -> Callable[[Response], Response]:
        def run(response: Response) -> Response:
            had = "Retry-After" in response.headers
            response = hook(response)
            if not had and response.status_code != 429:
                response.headers.pop("Retry-After", None)
            return response

        run.limiter = limiter  # type: ignore[attr-defined]
        return run

    hooks[None] = [answered(f) if _owned(f, limiter) else f for f in hooks.get(None, [])]
