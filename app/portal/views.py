"""The customer portal: my requests, a new request, a request's conversation, reply, reopen."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.domain.errors import InvalidInput
from app.domain.vocabulary import Status
from app.models.types import utcnow
from app.portal.forms import NewRequestForm, RatingForm, ReopenForm, ReplyForm
from app.services.csat import answer_for, can_change, rate_ticket
from app.services.queues import customer_tickets
from app.services.ticket_view import ticket_page
from app.services.tickets import add_reply, open_ticket, reopen_ticket

bp = Blueprint("portal", __name__)

# Service field names → form field names where they differ.
_FORM_FIELDS = {"priority": "urgency"}


@bp.before_request
@login_required
def customers_only():
    if current_user.is_staff:
        return redirect(url_for("desk.index"))
    return None


def _show_error(form, error: InvalidInput, fallback: str) -> None:
    name = _FORM_FIELDS.get(error.field or "", error.field or fallback)
    getattr(form, name, getattr(form, fallback)).errors.append(str(error))


@bp.get("/")
def home():
    page = customer_tickets(current_user, after=request.args.get("after") or None)
    return render_template("portal/home.html", page=page, first=not request.args.get("after"))


@bp.route("/new", methods=["GET", "POST"])
def new_request():
    form = NewRequestForm()
    if form.validate_on_submit():
        try:
            ticket = open_ticket(
                current_user,
                subject=form.subject.data,
                description=form.description.data,
                category=form.category.data,
                priority=form.urgency.data,
            )
        except InvalidInput as error:
            _show_error(form, error, "subject")
        else:
            flash(f"Request {ticket.reference} received. We will answer here and by email.",
                  "success")
            return redirect(url_for("portal.ticket", ticket_id=ticket.id))
    status = 400 if request.method == "POST" else 200
    return render_template("portal/new.html", form=form), status


def _render_ticket(ticket_id: int, reply_form: ReplyForm | None = None, status: int = 200,
                   rating_form: RatingForm | None = None):
    view = ticket_page(current_user, ticket_id)
    answer = answer_for(view.ticket)
    if rating_form is None:
        rating_form = RatingForm(formdata=None, data={
            "rating": str(answer.rating) if answer else None,
            "comment": answer.comment if answer else ""})
    return render_template(
        "portal/ticket.html", view=view, ticket=view.ticket,
        reply_form=reply_form or ReplyForm(), reopen_form=ReopenForm(),
        closed=view.ticket.status == Status.closed, solved=view.ticket.status == Status.solved,
        rating_form=rating_form, answer=answer, can_rate=can_change(answer, utcnow()),
    ), status


@bp.get("/tickets/<int:ticket_id>")
def ticket(ticket_id: int):
    return _render_ticket(ticket_id)


@bp.post("/tickets/<int:ticket_id>/reply")
def reply(ticket_id: int):
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            add_reply(current_user, ticket_id, form.body.data)
        except InvalidInput as error:
            form.body.errors.append(str(error))
        else:
            flash("Your reply was sent.", "success")
            return redirect(url_for("portal.ticket", ticket_id=ticket_id, _anchor="latest"))
    return _render_ticket(ticket_id, form, 400)


@bp.post("/tickets/<int:ticket_id>/rating")
def rate(ticket_id: int):
    form = RatingForm()
    if form.validate_on_submit():
        try:
            rate_ticket(current_user, ticket_id, form.rating.data, form.comment.data)
        except InvalidInput as error:
            form.rating.errors.append(str(error))
        else:
            flash("Thank you for your rating.", "success")
            return redirect(url_for("portal.ticket", ticket_id=ticket_id))
    return _render_ticket(ticket_id, status=400, rating_form=form)


@bp.get("/profile")
def profile():
    return render_template("portal/profile.html", customer=current_user.customer)


@bp.post("/tickets/<int:ticket_id>/reopen")
def reopen(ticket_id: int):
    if not ReopenForm().validate_on_submit():
        raise InvalidInput("The form expired; reload the page and try again.")
    reopen_ticket(current_user, ticket_id)
    flash("The request is open again. Tell us what is still wrong below.", "success")
    return redirect(url_for("portal.ticket", ticket_id=ticket_id))
