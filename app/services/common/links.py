"""Absolute links for mail and other messages read outside the app, built from BASE_URL.

A request's Host header is never used: a forged Host must not put another domain into a link."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values: object) -> str:
    """The full URL of an endpoint on the configured BASE_URL (works without a request)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
