"""/admin/api-tokens: every working personal API token, with its owner, and a way to revoke any."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.security_forms import RevokeApiTokenForm
from app.services.accounts.api_tokens import all_api_tokens, revoke_api_token

bp = Blueprint("api_tokens", __name__)


@bp.get("/")
def index():
    return render_template(
        "admin/api_tokens.html",
        tokens=all_api_tokens(current_user),
        revoke_form=RevokeApiTokenForm(formdata=None),
    )


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int):
    if not RevokeApiTokenForm().validate_on_submit():
        abort(400)
    token = revoke_api_token(current_user, token_id)
    flash(f"The token “{token.name}” of {token.user.email} is revoked.", "success")
    return redirect(url_for("admin.api_tokens.index"))
