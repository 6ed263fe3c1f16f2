"""Admin pages for webhooks (/admin/webhooks): subscriptions, their secrets and delivery logs,
pausing, resuming and sending an event again."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.admin.webhooks.forms import SaveWebhookForm
from app.domain.errors import InvalidInput
from app.domain.webhooks import EVENT_LABELS, ID_HEADER, SIGNATURE_HEADER, WebhookEvent
from app.form_fields import show_error
from app.services.webhooks.log import delivery_log, redeliver
from app.services.webhooks.subscriptions import (
    create_subscription,
    delete_subscription,
    get_subscription,
    list_subscriptions,
    set_active,
    update_subscription,
)

bp = Blueprint("webhooks", __name__)
LABELS = {event.value: label for event, label in EVENT_LABELS.items()}


@bp.get("/")
def index():
    return render_template(
        "admin/webhooks/index.html", subscriptions=list_subscriptions(current_user), labels=LABELS
    )


def _editor(subscription_id: int | None):
    row = get_subscription(current_user, subscription_id) if subscription_id else None
    form = SaveWebhookForm()
    if request.method == "GET":
        if row is not None:
            form.url.data, form.description.data, form.events.data = row.url, row.description, row.events
        else:
            form.events.data = [WebhookEvent.ticket_created.value]
    if form.validate_on_submit():
        values = {
            "url": form.url.data,
            "events": form.events.data or [],
            "description": form.description.data,
        }
        try:
            if row is None:
                saved = create_subscription(current_user, **values)
            else:
                saved = update_subscription(current_user, row.id, **values)
        except InvalidInput as error:
            show_error(form, error, "url")
        else:
            flash("Webhook saved." if row else "Webhook created. Its signing secret is below.", "success")
            return redirect(url_for("admin.webhooks.subscription", subscription_id=saved.id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/webhooks/edit.html", form=form, row=row), status


@bp.route("/new", methods=["GET", "POST"])
def new():
    return _editor(None)


@bp.route("/<int:subscription_id>/edit", methods=["GET", "POST"])
def edit(subscription_id: int):
    return _editor(subscription_id)


@bp.get("/<int:subscription_id>")
def subscription(subscription_id: int):
    row = get_subscription(current_user, subscription_id)
    return render_template(
        "admin/webhooks/subscription.html",
        row=row,
        deliveries=delivery_log(current_user, row.id),
        labels=LABELS,
        signature_header=SIGNATURE_HEADER,
        id_header=ID_HEADER,
        form=FlaskForm(),
    )


def _expired():
    flash("The form expired; reload the page and try again.", "info")


@bp.post("/<int:subscription_id>/pause")
def pause(subscription_id: int):
    if FlaskForm().validate_on_submit():
        set_active(current_user, subscription_id, False)
        flash("Webhook paused: its events wait until it is resumed.", "success")
    else:
        _expired()
    return redirect(url_for("admin.webhooks.subscription", subscription_id=subscription_id))


@bp.post("/<int:subscription_id>/resume")
def resume(subscription_id: int):
    if FlaskForm().validate_on_submit():
        set_active(current_user, subscription_id, True)
        flash("Webhook resumed: waiting events go out now.", "success")
    else:
        _expired()
    return redirect(url_for("admin.webhooks.subscription", subscription_id=subscription_id))


@bp.post("/<int:subscription_id>/delete")
def delete(subscription_id: int):
    if not FlaskForm().validate_on_submit():
        _expired()
        return redirect(url_for("admin.webhooks.subscription", subscription_id=subscription_id))
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm the deletion.", "info")
        return redirect(url_for("admin.webhooks.subscription", subscription_id=subscription_id))
    delete_subscription(current_user, subscription_id)
    flash("Webhook deleted with its delivery log.", "success")
    return redirect(url_for("admin.webhooks.index"))


@bp.post("/deliveries/<int:delivery_id>/redeliver")
def redeliver_event(delivery_id: int):
    if not FlaskForm().validate_on_submit():
        _expired()
        return redirect(url_for("admin.webhooks.index"))
    delivery = redeliver(current_user, delivery_id)
    flash(f"Event {delivery.event_id} is queued to be sent again.", "success")
    return redirect(url_for("admin.webhooks.subscription", subscription_id=delivery.subscription_id))
