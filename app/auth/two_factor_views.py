"""Setting up and turning off two-step sign-in (/auth/security/two-step/…)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.auth.security_views import security_page
from app.auth.two_factor_forms import ConfirmTwoFactorForm, DisableTwoFactorForm, StartTwoFactorForm
from app.domain.errors import InvalidInput
from app.form_fields import show_error
from app.services.accounts.two_factor import confirm_enrolment, disable_two_factor, start_enrolment

bp = Blueprint("two_factor", __name__)


@bp.before_request
@login_required
def signed_in_only() -> None:
    """Every page here is about the signed-in person."""


@bp.post("/start")
def start():
    if not StartTwoFactorForm().validate_on_submit():
        abort(400)
    try:
        start_enrolment(current_user._get_current_object())
    except InvalidInput as error:
        flash(str(error), "info")
    return redirect(url_for("security.index", _anchor="two-step"))


@bp.post("/confirm")
def confirm():
    form = ConfirmTwoFactorForm()
    if form.validate_on_submit():
        try:
            codes = confirm_enrolment(current_user._get_current_object(), form.code.data)
        except InvalidInput as error:
            show_error(form, error, "code")
        else:
            # Shown this once: only their hashes are kept.
            return render_template("auth/recovery_codes.html", codes=codes)
    return security_page(confirm_form=form, status=400)


@bp.post("/disable")
def disable():
    form = DisableTwoFactorForm()
    if form.validate_on_submit():
        try:
            disable_two_factor(current_user._get_current_object(), form.password.data, form.code.data)
        except InvalidInput as error:
            show_error(form, error, "code")
        else:
            flash("Two-step sign-in is off.", "info")
            return redirect(url_for("security.index"))
    return security_page(disable_form=form, status=400)
