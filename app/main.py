"""The front door: send each person to their part of the app, and a health check."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from app.domain.vocabulary import Role

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("portal.home"))
    if current_user.role is Role.admin:  # who leads the desk starts at its dashboard
        return redirect(url_for("desk.reports.index"))
    if current_user.role is Role.agent:
        return redirect(url_for("desk.index"))
    return redirect(url_for("portal.home"))


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
