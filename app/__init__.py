"""The application factory: extensions, blueprints, error handlers and CLI. No threads, no DB access."""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.routing import IntegerConverter

from app.domain.ids import ROW_ID_MAX
from app.domain.sessions import parse_session_identity
from app.flask_app import TierdeskFlask
from config import Config, config_from_env


class RowIdConverter(IntegerConverter):
    """`<int:…>` in URLs: a number beyond any row id is simply not found (never a database error)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", ROW_ID_MAX)
        super().__init__(url_map, *args, **kwargs)


def create_app(config_class: type[Config] | None = None, **overrides) -> Flask:
    app = TierdeskFlask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.url_map.converters["int"] = RowIdConverter
    app.config.from_object(config_class or config_from_env())
    app.config.update(overrides)
    _resolve_database_url(app)
    _check_production_settings(app)

    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_rate_limits(app)
    register_audit_origin(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def _resolve_database_url(app: Flask) -> None:
    """Default to a SQLite file in instance/ (created on first use)."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, "tierdesk.db")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        # A SQLite file has no server that could drop a connection: no test query at every
        # checkout (that is, at every request).
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["pool_pre_ping"] = False
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _check_production_settings(app: Flask) -> None:
    from app.secret_key import resolve_secret_key
    from app.startup import check_base_url, is_production, trust_proxies

    resolve_secret_key(app, production=is_production(app))
    check_base_url(app)
    trust_proxies(app)


def register_extensions(app: Flask) -> None:
    from app import database, migration_commands
    from app.extensions import csrf, db, login_manager
    from app.services.accounts.signed_in import signed_in_user
    from app.session_cookie import KeptSerializerSessionInterface

    app.session_interface = KeptSerializerSessionInterface()
    db.init_app(app)
    migration_commands.register(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    database.configure_engine_events(app)
    database.close_sessions_quietly(app)

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        identity = parse_session_identity(user_id)
        if identity is None:
            return None
        # A deactivated account, and a session from before the last "sign out everywhere",
        # password change or reset, end at the next request.
        return signed_in_user(*identity)


def register_blueprints(app: Flask) -> None:
    """One parent per audience (desk, admin) with its pages nested in it; the rest stand alone."""
    from app.admin.views import bp as admin_bp
    from app.attachments.views import bp as attachments_bp
    from app.auth.account_views import bp as account_bp
    from app.auth.security_views import bp as security_bp
    from app.auth.two_factor_views import bp as two_factor_bp
    from app.auth.views import bp as auth_bp
    from app.desk.views import bp as desk_bp
    from app.devmail.views import bp as devmail_bp
    from app.kb.views import bp as kb_bp
    from app.mail_links.views import bp as mail_links_bp
    from app.main import bp as main_bp
    from app.portal.views import bp as portal_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(kb_bp, url_prefix="/kb")
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(account_bp, url_prefix="/auth")
    app.register_blueprint(security_bp, url_prefix="/auth")
    app.register_blueprint(two_factor_bp, url_prefix="/auth/security/two-step")
    app.register_blueprint(portal_bp, url_prefix="/portal")
    app.register_blueprint(desk_bp, url_prefix="/desk")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(attachments_bp, url_prefix="/attachments")
    app.register_blueprint(mail_links_bp, url_prefix="/mail")
    app.register_blueprint(devmail_bp, url_prefix="/dev/mail")

    from app.api.views import register as register_api

    register_api(app)


def register_error_handlers(app: Flask) -> None:
    from app.errors import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from app.security_headers import register

    register(app)


def register_rate_limits(app: Flask) -> None:
    from app.rate_limits import register

    register(app)


def register_audit_origin(app: Flask) -> None:
    from app.audit_origin import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from app.templating import register

    register(app)


def register_cli(app: Flask) -> None:
    from app import cli

    cli.register(app)
