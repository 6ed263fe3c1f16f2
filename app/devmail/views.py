"""The local catch-all mailbox (/dev/mail): every mail Tierdesk would send, when no MAIL_URL is
set and the development settings allow the page (it shows reset links, so never in production)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from app.services.mail.catchall import caught_mail, caught_mails

bp = Blueprint("devmail", __name__)


@bp.before_request
def only_with_the_catchall():
    if not current_app.config["MAIL_CATCHALL_PAGE"] or current_app.config["MAIL_URL"]:
        abort(404)
    # Reset links are in there: only the developer's own machine may look.
    if request.remote_addr not in ("127.0.0.1", "::1"):
        abort(404)


@bp.get("/")
def index():
    return render_template("devmail/index.html", mails=caught_mails())


@bp.get("/<name>")
def show(name: str):
    return render_template("devmail/show.html", mail=caught_mail(name))
