"""Response headers that keep pages from being framed, sniffed, leaked by referrer or cached.

The templates carry no inline script or style, so the content policy allows only this site's
own files; a page that needs more must say so, not weaken the policy for everyone."""

from __future__ import annotations

from flask import Flask, Response, request, session

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"


def register(app: Flask) -> None:
    production = bool(app.config.get("SESSION_COOKIE_SECURE"))
    defaults = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        # Reset and verification links carry their token in the path: never send it elsewhere.
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if production:
        defaults.append(("Strict-Transport-Security", HSTS))
    named = [(name.lower(), name, value) for name, value in defaults]

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        # Each one unless the view set its own (a page that needs another policy says so): the
        # names present are looked at once, rather than a search of the headers per default.
        present = {name.lower() for name, _value in headers}
        for lowered, name, value in named:
            if lowered not in present:
                headers.add(name, value)
        if request.endpoint != "static" and "_user_id" in session:
            # A signed-in page holds someone's tickets: no shared or back-button cache keeps it.
            if "cache-control" in present:
                headers["Cache-Control"] = "no-store"
            else:
                headers.add("Cache-Control", "no-store")
        return response
