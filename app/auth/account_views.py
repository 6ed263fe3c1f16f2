"""Forgotten passwords and email verification (/auth/forgot, /auth/reset/…, /auth/verify/…)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.auth.account_forms import ForgotPasswordForm, ResendVerificationForm, ResetPasswordForm
from app.domain.errors import InvalidInput
from app.form_fields import show_error
from app.models.types import utcnow
from app.rate_limits import allow_for_account
from app.services.accounts.recovery import (
    request_password_reset,
    reset_password,
    send_verification,
    verify_email,
)
from app.services.accounts.tokens import check_token
from app.services.common.links import absolute_url

bp = Blueprint("account", __name__)


def reset_link(token: str) -> str:
    """Built from BASE_URL: a forged Host header must not put its domain into the link."""
    return absolute_url("account.reset", token=token)


def verify_link(token: str) -> str:
    return absolute_url("account.verify", token=token)


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotPasswordForm()
    sent = False
    if form.validate_on_submit():
        # However often one address is asked for, it gets a few mails an hour; the answer is the same.
        if allow_for_account("RESET_PER_ACCOUNT_LIMIT", form.email.data.strip()):
            request_password_reset(form.email.data, reset_link)
        sent = True
    return render_template("auth/forgot.html", form=form, sent=sent)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    try:
        check_token(token, "reset_password", utcnow())
    except InvalidInput as error:
        return render_template("auth/link_problem.html", message=str(error)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(token, form.password.data)
        except InvalidInput as error:
            if error.field != "password":
                return render_template("auth/link_problem.html", message=str(error)), 400
            show_error(form, error)
        else:
            flash("Your password is changed. Sign in with the new one.", "success")
            return redirect(url_for("auth.login"))
    status = 400 if form.errors else 200
    return render_template("auth/reset.html", form=form), status


@bp.get("/verify/<token>")
def verify(token: str):
    try:
        verify_email(token)
    except InvalidInput as error:
        return render_template("auth/link_problem.html", message=str(error)), 400
    if current_user.is_authenticated:
        flash("Thank you, your email address is confirmed.", "success")
        return redirect(url_for("main.index"))
    flash("Thank you, your email address is confirmed. Sign in to continue.", "success")
    return redirect(url_for("auth.login"))


@bp.post("/verify/resend")
@login_required
def resend():
    if not ResendVerificationForm().validate_on_submit():
        raise InvalidInput("The form expired; reload the page and try again.")
    if current_user.email_verified_at is None:
        send_verification(current_user, verify_link)
    flash("We sent a new confirmation link.", "info")
    return redirect(url_for("main.index"))
