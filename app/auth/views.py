"""Sign in, sign out and customer registration."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.account_views import verify_link
from app.auth.forms import RegisterCustomerForm, SignInForm, SignOutForm
from app.auth.safe_next import safe_next
from app.domain.errors import InvalidInput, NotAllowed
from app.form_fields import show_error
from app.services.accounts.accounts import register_customer
from app.services.accounts.recovery import send_verification
from app.services.accounts.sign_in import authenticate

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except (InvalidInput, NotAllowed) as error:
            show_error(form, error, "password")
            return render_template("auth/login.html", form=form), 401
        login_user(user, remember=form.remember.data)
        return redirect(safe_next(form.next.data) or url_for("main.index"))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    if not SignOutForm().validate_on_submit():
        abort(400)
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterCustomerForm()
    if form.validate_on_submit():
        try:
            user = register_customer(form.name.data, form.email.data, form.password.data)
        except InvalidInput as error:
            show_error(form, error, "email")
            return render_template("auth/register.html", form=form), 400
        login_user(user)
        send_verification(user, verify_link)
        flash("Welcome! We sent you a link to confirm your email address.", "success")
        return redirect(url_for("portal.home"))
    status = 400 if form.errors else 200
    return render_template("auth/register.html", form=form), status
