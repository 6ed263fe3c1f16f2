"""Sign in, sign out and customer registration."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from app.auth.account_views import verify_link
from app.auth.forms import RegisterCustomerForm, SignInForm, SignOutForm
from app.auth.safe_next import safe_next
from app.auth.two_factor_forms import CodeForm
from app.domain.errors import InvalidInput, NotAllowed
from app.form_fields import show_error
from app.services.accounts.recovery import send_verification
from app.services.accounts.registration import register_customer
from app.services.accounts.sessions import end_sessions
from app.services.accounts.sign_in import authenticate
from app.services.accounts.two_factor import check_second_step, pending_user

bp = Blueprint("auth", __name__)

# The session key of a sign-in waiting for its second step.
TWO_STEP = "two_step"


def _start_session(user: UserMixin, *, remember: bool) -> None:
    """A new session at sign-in: nothing from before it (a planted session included) carries
    over, and the form token is a new one."""
    session.clear()
    login_user(user, remember=remember)
    # generate_csrf keeps this request's token in g: forget it, so the new session gets a new one.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()


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
        next_url = safe_next(form.next.data)
        if user.two_factor_on:
            # The password alone signs nobody in: the session only remembers who is half-way.
            session.clear()
            session[TWO_STEP] = {
                "who": user.get_id(),
                "remember": bool(form.remember.data),
                "next": next_url or "",
                "since": int(time.time()),
            }
            return redirect(url_for("auth.two_step"))
        _start_session(user, remember=bool(form.remember.data))
        return redirect(next_url or url_for("main.index"))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/two-step", methods=["GET", "POST"])
def two_step():
    pending = session.get(TWO_STEP) or {}
    fresh = time.time() - pending.get("since", 0) <= current_app.config["TWO_STEP_SECONDS"]
    user = pending_user(str(pending.get("who", ""))) if fresh else None
    if user is None:
        session.pop(TWO_STEP, None)
        flash("Sign in again, please.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            check_second_step(user, form.code.data)
        except InvalidInput as error:
            show_error(form, error, "code")
            return render_template("auth/two_step.html", form=form), 401
        _start_session(user, remember=bool(pending.get("remember")))
        return redirect(safe_next(pending.get("next")) or url_for("main.index"))
    status = 400 if form.errors else 200
    return render_template("auth/two_step.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    if not SignOutForm().validate_on_submit():
        abort(400)
    end_sessions(current_user._get_current_object(), everywhere=False)
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterCustomerForm()
    if form.validate_on_submit():
        try:
            user = register_customer(
                form.name.data,
                form.email.data,
                form.password.data,
                sign_in_link=url_for("auth.login", _external=True),
            )
        except InvalidInput as error:
            show_error(form, error, "email")
            return render_template("auth/register.html", form=form), 400
        if user is not None:
            send_verification(user, verify_link)
        # The same answer whether the address was new or known (its owner got a mail then).
        return redirect(url_for("auth.registered"))
    status = 400 if form.errors else 200
    return render_template("auth/register.html", form=form), status


@bp.get("/register/sent")
def registered():
    return render_template("auth/registered.html")
