"""Throttles per client address (and per account where one is named), with Flask-Limiter.

Each app gets its own limiter, with the storage its settings name (memory for one process,
Redis for several workers or hosts). The limits are read from the settings at each request, so
a deployment tunes them without code. Behind a reverse proxy the client address is only right
once the app is wrapped in werkzeug's ProxyFix."""

from __future__ import annotations

import bisect
import functools
import math
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from flask import Flask, Response, current_app, g, make_response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from werkzeug.exceptions import TooManyRequests

# How often a process's own counts drop the hits that have left every window.
_SWEEP_SECONDS = 60.0


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


class ProcessMemoryStorage(MemoryStorage):
    """`memory://` as Flask-Limiter's memory storage counts it, with two changes:
    - no clean-up thread: that storage starts a new thread 10 ms after nearly every hit to drop
      expired hits, which cost a request more CPU than the rest of the throttle. A window counts
      only the hits inside it anyway, so dropping old ones is housekeeping, done here in the
      request itself at most once a minute;
    - a moving window's hits are kept as one array of the times they expire, oldest first (8
      bytes a hit), where the base class keeps an object per hit, newest first (about 140 bytes,
      and every hit shifted the whole list): a worker holds every counted hit of the last hour.
    The answers are the base class's."""

    STORAGE_SCHEME = ["tierdesk-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the one thread the base class starts, ended at once
        self.timer.join()
        self._next_sweep = time.monotonic() + _SWEEP_SECONDS
        self.hits: dict[str, array[float]] = {}

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        self._MemoryStorage__schedule_expiry()
        with self.locks[key]:
            hits = self.hits.setdefault(key, array("d"))
            now = time.time()
            # Refused when the hit `limit - amount` places back from the newest is still in the
            # window (it expires after now).
            back = len(hits) - 1 - (limit - amount)
            if back >= 0 and hits[back] >= now:
                return False
            hits.extend([now + expiry] * amount)
            return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """The start of the window (when its oldest hit was counted) and the hits in it."""
        now = time.time()
        hits = self.hits.get(key)
        if not hits:
            return now, 0
        first = bisect.bisect_right(hits, now)
        if first == len(hits):
            return hits[0] - expiry, 0
        return hits[first] - expiry, len(hits) - first

    def clear(self, key: str) -> None:
        super().clear(key)
        self.hits.pop(key, None)

    def reset(self) -> int | None:
        counted = max(len(self.storage), len(self.hits))
        super().reset()
        self.hits.clear()
        return counted

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the base class's private one
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + _SWEEP_SECONDS
            self.sweep()

    def sweep(self) -> None:
        """Drop the hits that have left every window, and the keys left with none (the base
        class kept a key per address ever seen)."""
        now = time.time()
        for key in list(self.hits):
            with self.locks[key]:
                hits = self.hits.get(key)
                if hits:
                    del hits[: bisect.bisect_right(hits, now)]
                emptied = not hits
                if emptied:
                    self.hits.pop(key, None)
            if emptied and key not in self.storage:
                self.locks.pop(key, None)
        for key in list(self.expirations):
            if self.expirations[key] <= now:
                self.storage.pop(key, None)
                self.expirations.pop(key, None)
                self.locks.pop(key, None)


def storage_uri(configured: str) -> str:
    """The storage Flask-Limiter is given: per-process memory counts without a clean-up thread."""
    if configured.startswith("memory://"):
        return "tierdesk-memory://" + configured.removeprefix("memory://")
    return configured


def register(app: Flask) -> None:
    limiter = Limiter(get_remote_address, storage_uri=storage_uri(app.config["RATELIMIT_STORAGE_URI"]))
    limiter.init_app(app)
    app.extensions["tierdesk_limiter"] = limiter
    for throttle in THROTTLES:
        if throttle.only_redirects:
            app.view_functions[throttle.endpoint] = _counted_when_done(
                throttle, app.view_functions[throttle.endpoint]
            )
            continue
        limit = limiter.limit(
            _setting(throttle.setting),
            methods=list(throttle.methods),
            key_func=_user_or_address if throttle.per_user else get_remote_address,
        )
        # The limiter checks a limit when the wrapped view is called, so the wrapper replaces it
        # (typed as possibly async by Flask-Limiter, it stays a plain view here).
        app.view_functions[throttle.endpoint] = cast(Any, limit(app.view_functions[throttle.endpoint]))
    _limit_api(app, limiter)
    _retry_after_only_when_refused(app, limiter)
    _only_where_limited(app, limiter)


def _counted_when_done(throttle: Throttle, view: Callable[..., Any]) -> Callable[..., Any]:
    """A view whose limit counts only the answers that did what was asked (a redirect): refused
    with a 429 once a window is used up, counted after the view straight on the limiter's
    storage. Flask-Limiter does the same with `deduct_when`, through hooks before, after and
    at the end of every request of the view that cost it more than the count itself."""
    methods = frozenset(throttle.methods)
    key_of = _user_or_address if throttle.per_user else get_remote_address
    scope = throttle.endpoint

    @functools.wraps(view)
    def counted(*args: Any, **kwargs: Any) -> Any:
        limiter = app_limiter()
        if request.method not in methods or not limiter.enabled:
            return view(*args, **kwargs)
        strategy = limiter.limiter
        key = key_of()
        items = _limit_items(current_app.config[throttle.setting])
        for item in items:
            if not strategy.test(item, key, scope):
                _note_window(item, key, scope)
                raise TooManyRequests()
        response = make_response(view(*args, **kwargs))
        if _redirected(response):
            for item in items:
                strategy.hit(item, key, scope)
        _note_window(items[0], key, scope)
        return response

    return counted


def _note_window(item: RateLimitItem, key: str, scope: str) -> None:
    """Where the caller stands in `item` (for the answer's headers and a 429's Retry-After)."""
    stats = app_limiter().limiter.get_window_stats(item, key, scope)
    g.rate_window = RateWindow(item, stats.remaining, int(stats.reset_time + 1))


def _only_where_limited(app: Flask, limiter: Limiter) -> None:
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
    # The views counted only when done count by themselves (`_counted_when_done`).
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


def _retry_after_only_when_refused(app: Flask, limiter: Limiter) -> None:
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


@dataclass(frozen=True, slots=True)
class RateWindow:
    """Where the caller (an API token, a customer sending requests) stands in the limit this
    request was counted against."""

    item: RateLimitItem
    remaining: int
    reset_at: int  # when the window frees a request, in seconds since the epoch


def _limit_api(app: Flask, limiter: Limiter) -> None:
    """Each API token gets API_RATE_LIMIT requests (all the API's blueprints share the count,
    `count_api_request` counts them once the token is known), and every answer says how many are
    left in `RateLimit-*` headers (and the `X-RateLimit-*` ones the rest of the site sends)."""
    names = app.extensions.get("tierdesk_api_blueprints", frozenset())
    # Flask-Limiter's own check resolves every decorated limit of the endpoint at each request,
    # which cost an API request more than counting it: the API's requests skip it.
    limiter.request_filter(lambda: request.blueprint in names)

    @app.after_request
    def rate_limit_headers(response: Response) -> Response:
        window: RateWindow | None = g.get("rate_window")
        if window is None:
            return response
        headers = response.headers
        amount = str(window.item.amount)
        seconds = window.reset_at - time.time()
        headers["RateLimit-Limit"] = amount
        headers["RateLimit-Remaining"] = str(max(0, window.remaining))
        headers["RateLimit-Reset"] = str(max(0, math.ceil(seconds)))
        headers["RateLimit-Policy"] = f"{amount};w={window.item.get_expiry()}"
        headers["X-RateLimit-Limit"] = amount
        headers["X-RateLimit-Remaining"] = str(window.remaining)
        headers["X-RateLimit-Reset"] = str(window.reset_at)
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
    items = _limit_items(current_app.config["API_RATE_LIMIT"])
    shown, allowed = items[0], True
    for item in items:
        if not strategy.hit(item, key, "api"):
            shown, allowed = item, False
            break
    _note_window(shown, key, "api")
    return allowed


@lru_cache(maxsize=8)
def _limit_items(setting: str) -> tuple[RateLimitItem, ...]:
    return tuple(sorted(parse_many(setting)))


def app_limiter() -> Limiter:
    limiter: Limiter = current_app.extensions["tierdesk_limiter"]
    return limiter


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


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


def _user_or_address() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def _redirected(response: Response) -> bool:
    return response.status_code in (302, 303)
