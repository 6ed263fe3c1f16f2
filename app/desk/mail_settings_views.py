"""An agent's mail settings (/desk/mail): which notices reach them by mail."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.domain.errors import InvalidInput
from app.services.common.access import require_staff
from app.services.mail.preferences import STAFF_KINDS, muted_kinds, set_mail_preferences

bp = Blueprint("mail_settings", __name__)


@bp.before_request
@login_required
def staff_only() -> None:
    require_staff(current_user)


@bp.route("/", methods=["GET", "POST"])
def edit():
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            raise InvalidInput("The form expired; reload the page and try again.")
        set_mail_preferences(current_user, request.form.getlist("kinds"))
        flash("Your mail settings are saved.", "success")
        return redirect(url_for("mail_settings.edit"), 303)
    muted = muted_kinds(current_user)
    return render_template("desk/mail_settings.html", form=form, kinds=STAFF_KINDS, muted=muted)
