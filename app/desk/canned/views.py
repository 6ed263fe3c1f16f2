"""Desk helpers for many tickets: canned replies (/desk/canned, insert into a reply) and bulk
actions on a queue selection (/desk/bulk)."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.desk.canned.forms import CannedForm
from app.desk.tickets.page import render_ticket
from app.domain.canned import PLACEHOLDERS
from app.domain.errors import InvalidInput
from app.domain.ids import is_digits, parse_row_id
from app.form_fields import show_error
from app.services.tickets.bulk import bulk_apply
from app.services.tickets.canned_replies import canned_for, delete_canned, fill_for_ticket, save_canned
from app.services.tickets.page import ticket_page

bp = Blueprint("canned", __name__)


@bp.route("/canned", methods=["GET", "POST"])
def index():
    form = CannedForm()
    if form.validate_on_submit():
        try:
            save_canned(current_user, title=form.title.data, body=form.body.data, shared=form.shared.data)
        except InvalidInput as error:
            show_error(form, error, "title")
        else:
            flash("Canned reply saved.", "success")
            return redirect(url_for("desk.canned.index"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "desk/canned/index.html", form=form, replies=canned_for(current_user), placeholders=PLACEHOLDERS
    ), status


@bp.post("/canned/<int:canned_id>/delete")
def delete(canned_id: int):
    delete_canned(current_user, canned_id)
    flash("Canned reply removed.", "success")
    return redirect(url_for("desk.canned.index"))


@bp.post("/bulk")
def bulk():
    """Apply one action to the tickets selected in a queue, each through its own service."""
    ids = [i for i in map(parse_row_id, request.form.getlist("ticket_ids")) if i is not None]
    action = request.form.get("action", "")
    tier_raw = request.form.get("tier", "")
    back = request.form.get("back", "")
    # Back to the queue as it was (its filters are in `back`); never to another site.
    back = back if back.startswith("/desk/") else url_for("desk.index")
    if not ids:
        flash("Tick at least one ticket in the list, then choose Apply.", "error")
        return redirect(back)
    try:
        result = bulk_apply(
            current_user,
            ids,
            action,
            assignee_id=current_user.id if request.form.get("assignee") == "me" else None,
            status=request.form.get("status"),
            priority=request.form.get("priority"),
            tag=request.form.get("tag"),
            tier=int(tier_raw) if is_digits(tier_raw) else -1,
            reason=request.form.get("reason"),
            reason_code=request.form.get("reason_code"),
        )
    except InvalidInput as error:
        flash(str(error), "error")
        return redirect(back)
    flash(f"Bulk {action}: {result.summary}.", "success" if not result.skipped else "info")
    return redirect(back)


@bp.post("/tickets/<int:ticket_id>/canned")
def insert(ticket_id: int):
    """Put a canned reply, filled in for this ticket, into the reply box (nothing is sent)."""
    view = ticket_page(current_user, ticket_id)
    raw = request.form.get("canned_id", "")
    if not is_digits(raw):
        raise InvalidInput("Choose a canned reply.")
    text = fill_for_ticket(current_user, int(raw), view.ticket)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(text=text)  # the page's script puts it where the cursor is
    # Without the script the whole composer was posted: what was typed stays, the reply follows.
    typed = (request.form.get("reply-body") or "").rstrip()
    mode = request.form.get("reply-mode")
    return render_ticket(ticket_id, reply_text=f"{typed}\n\n{text}" if typed else text, reply_mode=mode)
