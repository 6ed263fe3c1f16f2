"""The agent desk (/desk): staff only, checked once here for every page nested below."""

from __future__ import annotations

from flask import Blueprint, g, redirect, url_for
from flask_login import current_user, login_required

from app.desk.canned.views import bp as canned_bp
from app.desk.kb.views import bp as kb_bp
from app.desk.mail.views import bp as mail_bp
from app.desk.new_ticket.views import bp as new_ticket_bp
from app.desk.relationship.views import bp as relationship_bp
from app.desk.saved_views.views import bp as saved_views_bp
from app.desk.search.views import bp as search_bp
from app.desk.tickets.views import bp as tickets_bp
from app.domain.vocabulary import Role
from app.reports.views import bp as reports_bp
from app.services.accounts.timezone import agent_zone
from app.services.common.access import require_staff

bp = Blueprint("desk", __name__)
bp.register_blueprint(new_ticket_bp)
bp.register_blueprint(tickets_bp)
bp.register_blueprint(canned_bp)
bp.register_blueprint(saved_views_bp)
bp.register_blueprint(search_bp)
bp.register_blueprint(relationship_bp)
bp.register_blueprint(kb_bp, url_prefix="/kb")
bp.register_blueprint(mail_bp, url_prefix="/mail")
bp.register_blueprint(reports_bp, url_prefix="/reports")


@bp.before_request
@login_required
def staff_only() -> None:
    require_staff(current_user)
    g.display_zone = agent_zone(current_user)  # desk times read in the agent's own timezone


@bp.get("/")
def index():
    """Agents start at their own tier; admins (who work every tier) start at the front line."""
    own = current_user.support_tier if current_user.role is Role.agent else None
    return redirect(url_for("desk.tickets.queue", key=f"tier-{own or 1}"))
