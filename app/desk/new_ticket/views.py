"""Opening a ticket for a customer at the desk (/desk/tickets/new) and the customer search that
fills its customer field as the agent types (/desk/customers/lookup, JSON)."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.desk.new_ticket.forms import NewTicketForm
from app.domain.errors import InvalidInput
from app.form_fields import show_error
from app.services.relationship.customer_lookup import (
    QUERY_MIN_LENGTH,
    customer_choice,
    find_customers,
)
from app.services.tickets.desk_opening import open_for_customer

bp = Blueprint("new_ticket", __name__)


@bp.get("/customers/lookup")
def lookup():
    """Up to eight customers whose name or address starts with `q`."""
    found = find_customers(current_user, request.args.get("q", ""))
    return jsonify(customers=[c.as_json() for c in found])


@bp.route("/tickets/new", methods=["GET", "POST"])
def new():
    form = NewTicketForm()
    chosen = customer_choice(current_user, form.customer.data) if form.customer.data else None
    matches = [c for c in find_customers(current_user, form.customer_query.data or "") if c != chosen]
    searching = request.method == "POST" and request.form.get("intent") == "find"
    if not searching and form.validate_on_submit():
        try:
            ticket = open_for_customer(
                current_user,
                channel=form.channel.data,
                subject=form.subject.data,
                description=form.description.data,
                customer_id=form.customer.data,
                new_name=form.new_name.data or "",
                new_email=form.new_email.data or "",
                category=form.category.data,
                priority=form.priority.data,
                note=form.note.data or "",
            )
        except InvalidInput as error:
            show_error(form, error, renamed={"customer": "customer_query"})
        else:
            flash(f"{ticket.reference} opened for {ticket.customer.name}.", "success")
            return redirect(url_for("desk.tickets.ticket", ticket_id=ticket.id))
    status = 400 if request.method == "POST" and not searching else 200
    return render_template(
        "desk/new_ticket.html",
        form=form,
        chosen=chosen,
        matches=matches,
        searching=searching,
        min_length=QUERY_MIN_LENGTH,
    ), status
