"""An agent's mail settings (/desk/mail): which notices reach them by mail."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.domain.errors import InvalidInput
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
    muted = muted_kinds(current_user)
    return render_template("desk/mail_settings.html", form=form, kinds=STAFF_KINDS, muted=muted)
