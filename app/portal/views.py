"""The customer portal: my requests, a new request, a request's conversation, reply, reopen."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.domain.access import is_requester
from app.domain.errors import InvalidInput, NotAllowed
from app.domain.ids import is_digits, row_ids
from app.domain.vocabulary import Status
from app.form_fields import show_error
from app.models.types import utcnow
from app.portal.forms import (
    DeflectForm,
    NewRequestForm,
    RatingForm,
    ReopenForm,
    ReplyForm,
    SelfServiceForm,
)
from app.services.kb.articles import search_and_log
from app.services.kb.impressions import record_impressions
from app.services.queues.lists import customer_tickets
from app.services.queues.search import search_own_tickets
from app.services.tickets.attachments import attachments_by_message
from app.services.tickets.conversation import add_reply, reopen_ticket
from app.services.tickets.opening import open_ticket
from app.services.tickets.page import ticket_page
from app.services.tickets.ratings import answer_for, can_change, rate_ticket
from app.services.tickets.self_service import confirm_self_service, record_deflection

bp = Blueprint("portal", __name__)

# Service field names → form field names where they differ.
_FORM_FIELDS = {"priority": "urgency"}


@bp.before_request
@login_required
def customers_only():
    if current_user.is_staff:
        return redirect(url_for("desk.index"))
    # Refused up front so a form that could never be sent is not shown; the profile page stays.
    if current_user.customer is None and request.endpoint != "portal.profile":
        raise NotAllowed("This account has no customer profile. Ask support to link it to one.")
    return None


@bp.get("/")
def home():
    scope = request.args.get("scope", "mine")
    if scope not in ("mine", "org"):
        raise InvalidInput("Scope is mine or org.", field="scope")
    page = customer_tickets(
        current_user, after=request.args.get("after") or None, organization_wide=scope == "org"
    )
    org_admin = bool(current_user.customer and current_user.customer.is_org_admin)
    return render_template(
        "portal/home.html", page=page, first=not request.args.get("after"), scope=scope, org_admin=org_admin
    )


@bp.get("/search")
def search():
    """A customer's search of their own requests (public messages only)."""
    query = " ".join(request.args.get("q", "").split())
    after = request.args.get("after") or None
    try:
        page, error = search_own_tickets(current_user, query, after=after), None
    except InvalidInput as refused:
        page, error = None, refused
    return render_template(
        "portal/search.html", query=query, page=page, error=error, first=after is None
    ), 400 if error else 200


@bp.route("/new", methods=["GET", "POST"])
def new_request():
    form = NewRequestForm()
    if request.method == "POST" and request.form.get("intent") == "suggest":
        # Without scripts, "Find answers first" shows the matching articles before sending.
        query = f"{form.subject.data or ''} {form.description.data or ''}"
        customer_id = current_user.customer.id if current_user.customer else None
        hits = search_and_log(query, customer_id=customer_id, limit=5)
        shown = record_impressions(
            [h.article_id for h in hits], shown_before=row_ids(form.seen.data), customer_id=customer_id
        )
        form.seen.data = ",".join(map(str, shown))
        return render_template(
            "portal/new.html", form=form, hits=hits, deflect=DeflectForm(formdata=None), searched=True
        )
    if form.validate_on_submit():
        try:
            ticket = open_ticket(
                current_user,
                subject=form.subject.data,
                description=form.description.data,
                category=form.category.data,
                priority=form.urgency.data,
                seen_article_ids=row_ids(form.seen.data),
            )
        except InvalidInput as error:
            show_error(form, error, "subject", renamed=_FORM_FIELDS)
        else:
            flash(f"Request {ticket.reference} received. We will answer here and by email.", "success")
            return redirect(url_for("portal.ticket", ticket_id=ticket.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "portal/new.html", form=form, hits=[], deflect=DeflectForm(formdata=None), searched=False
    ), status


@bp.post("/deflect")
def deflect():
    form = DeflectForm()
    if not form.validate_on_submit() or not is_digits(str(form.article_id.data)):
        raise InvalidInput("Choose the article that answered your question.")
    record_deflection(
        current_user,
        int(form.article_id.data),
        subject=form.subject.data or "",
        category=form.category.data or "",
    )
    flash("Glad the article helped. No request was opened.", "success")
    return redirect(url_for("portal.home"))


@bp.post("/tickets/<int:ticket_id>/self-service")
def self_service_answer(ticket_id: int):
    form = SelfServiceForm()
    if not form.validate_on_submit() or form.solved.data not in ("yes", "no"):
        raise InvalidInput("Tell us whether the article solved it.")
    confirm_self_service(current_user, ticket_id, form.solved.data == "yes")
    flash(
        "Thanks! We marked it solved."
        if form.solved.data == "yes"
        else "A person from our team will take it from here.",
        "success",
    )
    return redirect(url_for("portal.ticket", ticket_id=ticket_id))


def _render_ticket(
    ticket_id: int,
    reply_form: ReplyForm | None = None,
    status: int = 200,
    rating_form: RatingForm | None = None,
):
    view = ticket_page(current_user, ticket_id)
    answer = answer_for(view.ticket)
    if rating_form is None:
        rating_form = RatingForm(
            formdata=None,
            data={
                "rating": str(answer.rating) if answer else None,
                "comment": answer.comment if answer else "",
            },
        )
    return render_template(
        "portal/ticket.html",
        view=view,
        ticket=view.ticket,
        attachments=attachments_by_message(m.id for m in view.messages),
        reply_form=reply_form or ReplyForm(),
        reopen_form=ReopenForm(),
        closed=view.ticket.status == Status.closed,
        solved=view.ticket.status == Status.solved,
        rating_form=rating_form,
        answer=answer,
        can_rate=can_change(answer, utcnow()),
        # An organization admin sees colleagues' requests; rating and reopening stay with theirs.
        mine=is_requester(current_user.as_actor(), view.ticket.facts()),
    ), status


@bp.get("/tickets/<int:ticket_id>")
def ticket(ticket_id: int):
    return _render_ticket(ticket_id)


@bp.post("/tickets/<int:ticket_id>/reply")
def reply(ticket_id: int):
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            add_reply(current_user, ticket_id, form.body.data, files=request.files.getlist("attachments"))
        except (InvalidInput, NotAllowed) as error:  # the typed reply stays in the form
            show_error(form, error, "body", renamed=_FORM_FIELDS)
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
            show_error(form, error, "rating")
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
