"""Sign-in security for everyone signed in (/auth/security): a new password, and signing out on
every device."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.qr import qr_svg
from app.auth.security_forms import (
    ChangePasswordForm,
    CreateApiTokenForm,
    RevokeApiTokenForm,
    SignOutEverywhereForm,
)
from app.auth.two_factor_forms import ConfirmTwoFactorForm, DisableTwoFactorForm, StartTwoFactorForm
from app.domain.errors import InvalidInput
from app.domain.two_factor import provisioning_uri
from app.form_fields import show_error
from app.services.accounts.api_tokens import create_api_token, own_api_tokens, revoke_api_token
from app.services.accounts.sessions import change_password, end_sessions
from app.services.accounts.timezone import agent_zone
from app.services.accounts.two_factor import unused_recovery_codes

bp = Blueprint("security", __name__)


@bp.before_request
@login_required
def signed_in_only() -> None:
    """Every page here is about the signed-in person; staff read times in their own timezone."""
    if current_user.is_staff:
        g.display_zone = agent_zone(current_user)


def security_page(
    *,
    password_form: ChangePasswordForm | None = None,
    confirm_form: ConfirmTwoFactorForm | None = None,
    disable_form: DisableTwoFactorForm | None = None,
    token_form: CreateApiTokenForm | None = None,
    new_token: str | None = None,
    status: int = 200,
):
    """The page with any one of its forms showing what was wrong with it."""
    user = current_user._get_current_object()
    enrolling = user.totp_secret is not None and not user.two_factor_on
    uri = provisioning_uri(user.totp_secret, user.email) if enrolling else None
    return render_template(
        "auth/security.html",
        password_form=password_form or ChangePasswordForm(formdata=None),
        everywhere_form=SignOutEverywhereForm(formdata=None),
        start_form=StartTwoFactorForm(formdata=None),
        confirm_form=confirm_form or ConfirmTwoFactorForm(formdata=None),
        disable_form=disable_form or DisableTwoFactorForm(formdata=None),
        enrolling=enrolling,
        qr=qr_svg(uri, "QR code for your authenticator app") if uri else None,
        codes_left=unused_recovery_codes(user) if user.two_factor_on else None,
        required=bool(current_app.config["REQUIRE_2FA_FOR_ADMINS"]) and user.role.value == "admin",
        token_form=token_form or CreateApiTokenForm(formdata=None),
        revoke_form=RevokeApiTokenForm(formdata=None),
        api_tokens=own_api_tokens(user),
        new_token=new_token,
    ), status


@bp.get("/security")
def index():
    return security_page()


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
    return security_page(password_form=form, status=400)


@bp.post("/security/sign-out-everywhere")
def sign_out_everywhere():
    if not SignOutEverywhereForm().validate_on_submit():
        abort(400)
    end_sessions(current_user._get_current_object(), everywhere=True)
    logout_user()
    session.clear()
    flash("You are signed out on every device.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/security/api-tokens")
def create_token():
    """A new personal API token, shown on this answer only (never stored or sent again)."""
    form = CreateApiTokenForm()
    if form.validate_on_submit():
        try:
            _token, raw = create_api_token(
                current_user._get_current_object(), form.name.data, form.scope.data
            )
        except InvalidInput as error:
            show_error(form, error, "name")
        else:
            response, status = security_page(new_token=raw)
            # The token is in this page: no cache may keep it.
            return response, status, {"Cache-Control": "no-store"}
    return security_page(token_form=form, status=400)


@bp.post("/security/api-tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    if not RevokeApiTokenForm().validate_on_submit():
        abort(400)
    token = revoke_api_token(current_user._get_current_object(), token_id)
    flash(f"The token “{token.name}” is revoked; it no longer works.", "success")
    return redirect(url_for("security.index", _anchor="api-tokens"))
