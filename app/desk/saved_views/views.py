"""Saving and deleting an agent's queue views (/desk/views)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user

from app.auth.safe_next import safe_next
from app.desk.saved_views.forms import DeleteViewForm, SaveViewForm
from app.domain.errors import InvalidInput
from app.services.queues.filters import FILTER_FIELDS
from app.services.queues.saved_views import delete_view, save_view

bp = Blueprint("saved_views", __name__)


@bp.post("/views")
def save():
    form = SaveViewForm()
    queue = form.queue.data or "tier-1"
    args = {name: form[name].data or "" for name in (*FILTER_FIELDS, "order")}
    # Any: mypy would check the filter values against url_for's own _anchor, _external … parameters.
    filters: dict[str, Any] = {k: v for k, v in args.items() if v}
    back = url_for("desk.tickets.queue", key=queue, **filters)
    if not form.validate_on_submit():
        message = "; ".join(e for errors in form.errors.values() for e in errors)
        raise InvalidInput(f"The view was not saved: {message}", field="name")
    view = save_view(current_user, form.name.data, queue, args)
    flash(f"Saved the view '{view.name}'.", "success")
    return redirect(back)


@bp.post("/views/<int:view_id>/delete")
def delete(view_id: int):
    form = DeleteViewForm()
    if not form.validate_on_submit():
        raise InvalidInput("The form was missing its security token.", field="csrf_token")
    delete_view(current_user, view_id)
    flash("Deleted the saved view.", "success")
    return redirect(safe_next(form.back.data) or url_for("desk.index"))
