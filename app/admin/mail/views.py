"""Admin pages for mail (/admin/mail): deliveries that failed and inbound mail that could not be
used, each with its reason, to retry or process again."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.services.inbound_mail.inbound import reprocess_mail
from app.services.inbound_mail.inbound_store import failed_mails
from app.services.mail.delivery import failed_deliveries, retry_failed

bp = Blueprint("mail", __name__)


@bp.get("/")
def index():
    return render_template(
        "admin/mail.html",
        deliveries=failed_deliveries(current_user),
        inbound=failed_mails(current_user),
        form=FlaskForm(),
    )


@bp.post("/deliveries/<int:notification_id>/retry")
def retry_delivery(notification_id: int):
    if FlaskForm().validate_on_submit() and retry_failed(current_user, notification_id):
        flash("The message is queued again.", "success")
    else:
        flash("That message is not waiting for a retry.", "info")
    return redirect(url_for("admin.mail.index"))


@bp.post("/inbound/<int:inbound_id>/reprocess")
def reprocess(inbound_id: int):
    if not FlaskForm().validate_on_submit():
        flash("The form expired; reload the page and try again.", "info")
        return redirect(url_for("admin.mail.index"))
    kept = reprocess_mail(current_user, inbound_id)
    if kept.status == "processed":
        flash("The mail was processed.", "success")
    else:
        flash(f"The mail still cannot be used: {kept.reason}", "info")
    return redirect(url_for("admin.mail.index"))
