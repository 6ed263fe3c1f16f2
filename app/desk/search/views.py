"""Ticket search on the desk (/desk/search): words, phrases, a reference, customer and
organization filters."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from app.domain.errors import InvalidInput
from app.domain.search_query import looks_like_reference
from app.services.queues.search import find_by_reference, resolve_filters, search_tickets

bp = Blueprint("search", __name__)


@bp.get("/search")
def search():
    query = " ".join(request.args.get("q", "").split())
    customer, organization = request.args.get("customer", ""), request.args.get("organization", "")
    after = request.args.get("after") or None
    asked = bool(query or customer or organization)
    if query and looks_like_reference(query) and not after:
        ticket = find_by_reference(current_user, query)
        if ticket is not None:
            return redirect(url_for("desk.tickets.ticket", ticket_id=ticket.id))
    page, error, described = None, None, ""
    if asked:
        try:
            filters, described = resolve_filters(customer, organization)
            page = search_tickets(current_user, query, filters, after=after)
        except InvalidInput as refused:
            error = refused
    return render_template(
        "desk/search.html",
        query=query,
        customer=customer,
        organization=organization,
        page=page,
        error=error,
        described=described,
        first=after is None,
    ), 400 if error else 200
