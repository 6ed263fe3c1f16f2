"""Administration (/admin): admins only, checked once here for every page nested below."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.admin.accounts.views import bp as accounts_bp
from app.admin.audit.views import bp as audit_bp
from app.admin.rules.views import bp as rules_bp
from app.admin.sla.views import bp as sla_bp
from app.services.common.access import require_admin

bp = Blueprint("admin", __name__)
bp.register_blueprint(accounts_bp)
bp.register_blueprint(rules_bp, url_prefix="/rules")
bp.register_blueprint(sla_bp, url_prefix="/sla")
bp.register_blueprint(audit_bp, url_prefix="/audit")


@bp.before_request
@login_required
def admins_only() -> None:
    require_admin(current_user)


@bp.get("/")
def index():
    return render_template("admin/index.html")
