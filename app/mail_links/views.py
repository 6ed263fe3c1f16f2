"""Links in mail that work without signing in: the one-click rating (/mail/rate/…)."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.domain.errors import InvalidInput
from app.services.inbound_mail.ratings import rate_from_link

bp = Blueprint("mail_links", __name__)


@bp.get("/rate/<token>/<int(min=1, max=5):score>")
def rate(token: str, score: int):
    try:
        ticket = rate_from_link(token, score)
    except InvalidInput as error:
        return render_template("mail_links/rated.html", ticket=None, message=str(error)), 400
    return render_template("mail_links/rated.html", ticket=ticket, score=score, message=None)
