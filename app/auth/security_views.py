"""Sign-in security for everyone signed in (/auth/security): a new password, and signing out on
every device."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.security_forms import ChangePasswordForm, SignOutEverywhereForm
from app.domain.errors import InvalidInput
from app.form_fields import show_error
from app.services.accounts.sessions import change_password, end_sessions

bp = Blueprint("security", __name__)


@bp.before_request
@login_required
def signed_in_only() -> None:
    """Every page here is about the signed-in person."""


def _page(password_form: ChangePasswordForm | None = None, status: int = 200):
    return render_template(
        "auth/security.html",
        password_form=password_form or ChangePasswordForm(formdata=None),
        everywhere_form=SignOutEverywhereForm(formdata=None),
    ), status


@bp.get("/security")
def index():
    return _page()


@bp.post("/security/password")
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(user, form.current.data, form.password.data)
        except InvalidInput as error:
            show_error(form, error, "password")
        else:
            # Other sessions ended with the old generation; this one carries on with the new one.
            session.clear()
            login_user(user)
            flash("Your password is changed. Your other sessions are signed out.", "success")
            return redirect(url_for("security.index"))
    return _page(form, 400)


@bp.post("/security/sign-out-everywhere")
def sign_out_everywhere():
    if not SignOutEverywhereForm().validate_on_submit():
        abort(400)
    end_sessions(current_user._get_current_object(), everywhere=True)
    logout_user()
    session.clear()
    flash("You are signed out on every device.", "info")
    return redirect(url_for("auth.login"))
