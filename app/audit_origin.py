"""Each request tells the services where it came from (client address and browser), for the
audit log, through `app.domain.audit.current_origin`: the services never read the request."""

from __future__ import annotations

from flask import Flask, g, request

from app.domain.audit import Origin, current_origin


def register(app: Flask) -> None:
    @app.before_request
    def remember_origin() -> None:
        # The header as sent (werkzeug's `request.user_agent` builds an object to the same end).
        origin = Origin(address=request.remote_addr, user_agent=request.headers.get("User-Agent") or None)
        g.origin_token = current_origin.set(origin)

    @app.teardown_request
    def forget_origin(_error: BaseException | None) -> None:
        token = g.pop("origin_token", None)
        if token is not None:
            current_origin.reset(token)
