"""Absolute links for mail and other messages read outside the app, built from BASE_URL.

A request's Host header is never used: a forged Host must not put another domain into a link."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import MapAdapter


def absolute_url(endpoint: str, **values: object) -> str:
    """The full URL of an endpoint on the configured BASE_URL (works without a request)."""
    return _adapter().build(endpoint, values, force_external=True)


def absolute_url_by_id(endpoint: str, key: str) -> Callable[[int], str]:
    """The full URL of an endpoint taking one row id, as a function of that id: the URL is built
    once and each id put into it (a sweep's thousands of notices each link to their ticket)."""
    marker = 9_876_543_210_123  # no base address or route holds these digits elsewhere
    url = absolute_url(endpoint, **{key: marker})
    before, found, after = url.partition(str(marker))
    if not found or str(marker) in after:
        return lambda row_id: absolute_url(endpoint, **{key: row_id})
    return lambda row_id: f"{before}{row_id}{after}"


def _adapter() -> MapAdapter:
    """The URL map bound to BASE_URL, once per app and address (a sweep builds thousands)."""
    base_url = current_app.config["BASE_URL"]
    known: tuple[str, MapAdapter] | None = current_app.extensions.get("base_url_adapter")
    if known is None or known[0] != base_url:
        base = urlsplit(base_url)
        adapter = current_app.url_map.bind(
            base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme or "https"
        )
        known = (base_url, adapter)
        current_app.extensions["base_url_adapter"] = known
    return known[1]
