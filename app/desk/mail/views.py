"""An agent's own settings (/desk/mail): which notices reach them by mail, and their timezone."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.domain.errors import InvalidInput
from app.services.accounts.timezone import set_agent_timezone, timezone_names
from app.services.mail.preferences import STAFF_KINDS, muted_kinds, set_mail_preferences

bp = Blueprint("mail", __name__)


@bp.route("/", methods=["GET", "POST"])
def edit():
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            raise InvalidInput("The form expired; reload the page and try again.")
        set_mail_preferences(current_user, request.form.getlist("kinds"))
        flash("Your mail settings are saved.", "success")
        return redirect(url_for("desk.mail.edit"), 303)
    return _settings_page(form)


def _settings_page(form: FlaskForm, zone_error: str | None = None, status: int = 200):
    muted = muted_kinds(current_user)
    return render_template(
        "desk/mail_settings.html",
        form=form,
        kinds=STAFF_KINDS,
        muted=muted,
        zones=timezone_names(),
        zone=current_user.timezone or "UTC",
        zone_error=zone_error,
    ), status


@bp.post("/timezone")
def timezone():
    """The agent's own timezone, for every time the desk shows them."""
    form = FlaskForm()
    if not form.validate_on_submit():
        raise InvalidInput("The form expired; reload the page and try again.")
    try:
        set_agent_timezone(current_user, request.form.get("timezone"))
    except InvalidInput as error:
        return _settings_page(form, zone_error=str(error), status=400)
    flash(f"Desk times now show in {current_user.timezone or 'UTC'}.", "success")
    return redirect(url_for("desk.mail.edit"), 303)
