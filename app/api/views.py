"""/api/v1: the blueprints, their OpenAPI 3.1 document at /api/v1/openapi.json and the reference
page at /api/v1/docs (Swagger UI, served from static/vendor).

flask-smorest was chosen because it is a Blueprint extension for a plain Flask app (APIFlask
replaces the Flask class itself), well kept, and writes OpenAPI 3.1 from the same marshmallow
schemas that validate each request."""

from __future__ import annotations

from flask import Blueprint as FlaskBlueprint
from flask import Flask, render_template

from app.api import auth, conversation, desk_setup, knowledge, relationship, reports, tickets
from app.api.core import PREFIX, SETTINGS, Api

DOCS_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Swagger UI sets styles from its script; it loads nothing from another host.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

docs = FlaskBlueprint("api_reference", __name__, url_prefix=PREFIX)


@docs.get("/docs")
def reference():
    response = render_template("api/reference.html", spec_url=f"{PREFIX}/openapi.json")
    return response, 200, {"Content-Security-Policy": DOCS_POLICY}


BLUEPRINTS = (
    tickets.bp,
    conversation.bp,
    conversation.files,
    relationship.bp,
    knowledge.bp,
    desk_setup.bp,
    reports.bp,
)


def register(app: Flask) -> None:
    """Mount the API: its blueprints without CSRF (a token, never a cookie, authenticates)."""
    from app.extensions import csrf

    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api = Api(app)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)
    app.register_blueprint(docs)
    app.extensions["tierdesk_api_blueprints"] = frozenset(b.name for b in BLUEPRINTS)
    auth.register(app, app.extensions["tierdesk_api_blueprints"])
