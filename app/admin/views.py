"""Administration (/admin): admins only, checked once here for every page nested below."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.admin.accounts.views import bp as accounts_bp
from app.admin.api_tokens.views import bp as api_tokens_bp
from app.admin.audit.views import bp as audit_bp
from app.admin.mail.views import bp as mail_bp
from app.admin.relationship.views import bp as relationship_bp
from app.admin.rules.views import bp as rules_bp
from app.admin.sla.views import bp as sla_bp
from app.admin.webhooks.views import bp as webhooks_bp
from app.domain.sla import format_minutes
from app.services.accounts.timezone import agent_zone
from app.services.common.access import require_admin

bp = Blueprint("admin", __name__)
bp.register_blueprint(accounts_bp)
bp.register_blueprint(relationship_bp)
bp.register_blueprint(rules_bp, url_prefix="/rules")
bp.register_blueprint(sla_bp, url_prefix="/sla")
bp.register_blueprint(mail_bp, url_prefix="/mail")
bp.register_blueprint(audit_bp, url_prefix="/audit")
bp.register_blueprint(webhooks_bp, url_prefix="/webhooks")
bp.register_blueprint(api_tokens_bp, url_prefix="/api-tokens")


@bp.before_request
@login_required
def admins_only() -> Response | None:
    require_admin(current_user)
    g.display_zone = agent_zone(current_user)  # admin times read in the admin's own timezone
    if current_app.config["REQUIRE_2FA_FOR_ADMINS"] and not current_user.two_factor_on:
        flash("Admin pages need two-step sign-in. Set it up first.", "info")
        return redirect(url_for("security.index", _anchor="two-step"))
    return None


@bp.app_template_filter("duration")
def duration(minutes: int | None) -> str:
    """A target as '1 h 30 min' ('—' when it is not measured)."""
    return format_minutes(minutes)


@bp.get("/")
def index():
    return render_template("admin/index.html")
