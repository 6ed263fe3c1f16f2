"""Desk tier queues, the ticket page and the actions on a ticket (/desk/queues, /desk/tickets)."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.safe_next import safe_next
from app.desk.saved_views.forms import DeleteViewForm, SaveViewForm
from app.desk.tickets.forms import AwayForm
from app.desk.tickets.page import FORMS, prepare, render_ticket
from app.domain.errors import Conflict, InvalidInput, NotAllowed
from app.domain.ids import is_digits
from app.domain.vocabulary import ACTIVE_STATUSES, AccountTier, Channel, Priority
from app.form_fields import show_error
from app.models.types import utcnow
from app.services.common.pagination import Page
from app.services.queues.desk import count_label, desk_queues, queue_counts, queue_page
from app.services.queues.filters import ORDERS, QueueFilters, parse_filters
from app.services.queues.saved_views import saved_views
from app.services.relationship.risk_rank import risk_parts
from app.services.routing.assignment import set_away
from app.services.sla.next_target import next_targets, paused_tickets
from app.services.tickets.changes import assign_ticket, change_priority, change_status, change_tier
from app.services.tickets.conversation import add_internal_note
from app.services.tickets.merge import merge_tickets
from app.services.tickets.page import ticket_page
from app.services.tickets.presence import touch_viewing
from app.services.tickets.update import KEEP, TicketUpdate, done_words, update_ticket
from app.services.tickets.vendor_handoff import edit_vendor_details, overdue_vendor_tickets

bp = Blueprint("tickets", __name__)

# Staff may note any ticket they can see, even one above their tier (add_internal_note).
READ_ONLY_ACTIONS = frozenset({"note"})


def _queue_read(key: str):
    """The queue's page of tickets, or the refusal of a filter value; 404-like for no such queue."""
    queues = desk_queues()
    if key not in {q.key for q in queues}:
        raise InvalidInput(f"No queue called '{key}'.", field="queue")
    after = request.args.get("after") or None
    try:
        filters = parse_filters(request.args)
        return queues, filters, queue_page(current_user, key, filters, after=after), None
    except InvalidInput as refused:
        return queues, QueueFilters(), Page(items=[], next_cursor=None), refused


def _rows_context(key: str, page: Page) -> dict:
    """What the table rows show beside each ticket: risk parts, next target, vendor lateness."""
    return {
        "key": key,
        "page": page,
        "ranks": {t.id: risk_parts(t) for t in page.items},
        "targets": next_targets(t.id for t in page.items),
        "paused": paused_tickets(page.items),
        "vendor_overdue": overdue_vendor_tickets(page.items),
        "now": utcnow(),
    }


@bp.get("/queues/<key>")
def queue(key: str):
    """A queue with its filters; a filter value that is not allowed is shown on the form (400)."""
    queues, filters, page, error = _queue_read(key)
    counts = queue_counts(current_user)
    return render_template(
        "desk/queue.html",
        **_rows_context(key, page),
        filters=filters,
        orders=ORDERS,
        queues=queues,
        first=request.args.get("after") is None,
        error=error,
        args=request.args,
        counts={k: count_label(n) for k, n in counts.items()},
        views=saved_views(current_user),
        save_form=SaveViewForm(formdata=None),
        delete_form=DeleteViewForm(formdata=None),
        statuses=ACTIVE_STATUSES,
        priorities=list(Priority),
        account_tiers=list(AccountTier),
        channels=list(Channel),
    ), 400 if error else 200


@bp.get("/queues/<key>/live")
def queue_live(key: str):
    """What the open queue page polls: every queue's count and this page's rows, as HTML."""
    _queues, _filters, page, error = _queue_read(key)
    if error is not None:
        raise error
    counts = queue_counts(current_user)
    rows = render_template("desk/_queue_rows.html", **_rows_context(key, page))
    return jsonify(counts={k: count_label(n) for k, n in counts.items()}, rows=rows, size=len(page.items))


@bp.post("/away")
def away():
    """The agent marks themselves away or back; automatic assignment skips them while away."""
    form = AwayForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            raise InvalidInput("The form expired; reload the page and try again.")
        raise InvalidInput("Choose how long you will be away.", field="hours")
    going = form.away.data == "on"
    set_away(current_user, going, hours=form.hours.data if going else None)
    flash(
        "You are away: no tickets are assigned to you automatically."
        if going
        else "Welcome back: tickets are assigned to you again.",
        "success",
    )
    return redirect(safe_next(request.form.get("next")) or url_for("desk.index"), 303)


@bp.get("/tickets/<int:ticket_id>")
def ticket(ticket_id: int):
    return render_ticket(ticket_id)


@bp.post("/tickets/<int:ticket_id>/viewers")
def viewers(ticket_id: int):
    """The heartbeat of an open ticket page: marks this agent as viewing, lists the others."""
    return jsonify(viewers=touch_viewing(current_user, ticket_id))


def _seen_version(form) -> int | None:
    """The ticket version the agent's page showed, if the form carried one."""
    field = form._fields.get("version")
    raw = field.data if field is not None else None
    return int(raw) if raw and is_digits(str(raw)) else None


def _properties_only() -> bool:
    """ "Save properties" or a tag's remove button: the typed message stays a draft."""
    return request.form.get("then") == "properties" or bool(request.form.get("remove_tag"))


def _update(form) -> TicketUpdate:
    """The composer's save: "Send and set pending" sets the status; "Save properties" (and a
    tag's remove button) leaves the typed message out (the page keeps it as a draft)."""
    then = request.form.get("then", "")
    assignee = form.assignee.data if form.assignee.raw_data else KEEP
    return TicketUpdate(
        body="" if _properties_only() else (form.body.data or ""),
        internal=form.mode.data == "note",
        status="pending" if then == "pending" else (form.status.data or None),
        priority=form.priority.data or None,
        team_id=form.team.data,
        assignee_id=assignee,
        tag=form.tag.data or None,
        remove_tag=request.form.get("remove_tag") or None,
        files=request.files.getlist("reply-attachments"),
    )


def _perform(name: str, ticket_id: int, form) -> str:
    """Call the service for one action; returns the flash message."""
    seen = _seen_version(form)
    if name == "reply":
        return done_words(update_ticket(current_user, ticket_id, _update(form), expected_version=seen))
    if name == "note":
        add_internal_note(
            current_user, ticket_id, form.body.data, files=request.files.getlist("note-attachments")
        )
        return "Note added."
    if name == "assign":
        assign_ticket(
            current_user,
            ticket_id,
            assignee_id=form.assignee.data,
            team_id=form.team.data,
            expected_version=seen,
        )
        return "Assignment saved."
    if name == "status":
        change_status(current_user, ticket_id, form.status.data, expected_version=seen)
        return "Status changed."
    if name == "priority":
        change_priority(current_user, ticket_id, form.priority.data, expected_version=seen)
        return "Priority changed."
    if name == "merge":
        target = merge_tickets(current_user, ticket_id, form.target.data)
        return f"Merged into {target.reference}."
    if name == "vendor":
        edit_vendor_details(
            current_user,
            ticket_id,
            vendor_team_id=form.vendor.data,
            reference=form.vendor_reference.data,
            due_at=form.vendor_due_at.data,
            pauses_clock=form.vendor_pauses.data,
            expected_version=seen,
        )
        return "Vendor details saved."
    pauses = {"yes": True, "no": False}.get(form.vendor_pauses.data)
    ticket = change_tier(
        current_user,
        ticket_id,
        form.tier.data,
        form.reason.data,
        reason_code=form.reason_code.data or None,
        vendor_team_id=form.vendor.data,
        vendor_reference=form.vendor_reference.data,
        vendor_due_at=form.vendor_due_at.data,
        vendor_pauses_clock=pauses,
        team_id=form.team.data,
        hand_over=form.hand_over.data,
        expected_version=seen,
    )
    return f"Moved to tier {ticket.tier}."


@bp.post("/tickets/<int:ticket_id>/<action>")
def act(ticket_id: int, action: str):
    if action not in FORMS:
        return render_template(
            "errors/error.html", status=404, title="Not found", message="No such action."
        ), 404
    view = ticket_page(current_user, ticket_id)  # 404 before anything else
    form = prepare(action, FORMS[action](prefix=action), view.ticket)
    stale = _seen_version(form) not in (None, view.ticket.version)
    if not view.can_work and action not in READ_ONLY_ACTIONS and not stale:
        # The page never showed this form: refuse outright. A page that did show it, before the
        # ticket moved above the agent's tier, gets the service's "changed meanwhile" below.
        raise NotAllowed(
            f"{view.ticket.reference} is at tier {view.ticket.tier}; you work tiers up to "
            f"{current_user.as_actor().working_tier}. It is read-only to you."
        )
    if form.validate_on_submit():
        try:
            message = _perform(action, ticket_id, form)
        except InvalidInput as error:
            show_error(form, error)
        except Conflict as error:
            # Someone changed the ticket since this page was shown (the service rolled its
            # transaction back): keep what the agent typed, show the newer state, decide again.
            show_error(form, error)
            if "version" in form._fields:
                form.version.data = str(ticket_page(current_user, ticket_id).ticket.version)
            return render_ticket(ticket_id, failed=(action, form), status=409)
        else:
            flash(message, "success")
            if action == "reply" and _properties_only() and form.body.data:
                # The properties are saved; the message typed beside them stays a draft.
                return render_ticket(ticket_id, reply_text=form.body.data, reply_mode=form.mode.data)
            return redirect(url_for("desk.tickets.ticket", ticket_id=ticket_id))
    return render_ticket(ticket_id, failed=(action, form), status=400)
