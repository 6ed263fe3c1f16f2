"""Building the desk ticket page: the ticket as the agent may see it plus its action forms."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from app.desk.tickets.forms import (
    STATUS_CHOICES,
    AssignForm,
    MergeForm,
    NoteForm,
    PriorityForm,
    ReplyForm,
    StatusForm,
    TierForm,
    VendorForm,
)
from app.services.queues.desk import next_in_queue
from app.services.relationship.profiles import ticket_sidebar
from app.services.sla.panel import sla_view
from app.services.tickets.attachments import attachments_by_message
from app.services.tickets.canned_replies import canned_for
from app.services.tickets.page import all_teams, assignable_agents, ticket_page, ticket_tags
from app.services.tickets.presence import HEARTBEAT_SECONDS, viewing_if_possible
from app.services.tickets.self_service import ticket_articles
from app.services.tickets.vendor_handoff import vendor_panel

FORMS = {
    "reply": ReplyForm,
    "note": NoteForm,
    "assign": AssignForm,
    "status": StatusForm,
    "priority": PriorityForm,
    "tier": TierForm,
    "merge": MergeForm,
    "vendor": VendorForm,
}


def prepare(name: str, form: FlaskForm, ticket, *, fresh: bool | None = None) -> FlaskForm:
    """Fill the choices that depend on the ticket and, on a `fresh` form (not the one just
    submitted), default values from it."""
    if fresh is None:
        fresh = not form.is_submitted()
    if "version" in form._fields and fresh:
        form.version.data = str(ticket.version)
    if name == "reply":
        _prepare_properties(form, ticket, fresh)
    elif name == "assign":
        form.assignee.choices = _agent_choices(ticket)
        form.team.choices = [SelectChoice("", "Keep the current team")] + [
            SelectChoice(str(t.id), f"{t.name} (tier {t.tier})") for t in all_teams()
        ]
        if fresh:
            form.assignee.data = ticket.assignee_id
            form.team.data = ticket.team_id
    elif name in ("tier", "vendor"):
        teams = all_teams()
        form.vendor.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(t.id), _vendor_words(t)) for t in teams if t.is_external
        ]
        if name == "tier":
            form.team.choices = [SelectChoice("", "— the tier's team —")] + [
                SelectChoice(str(t.id), f"{t.name} (tier {t.tier})") for t in teams if not t.is_external
            ]
        if name == "tier" and fresh:
            form.tier.data = min(ticket.tier + 1, 4)
        elif name == "vendor" and fresh:
            form.vendor.data = ticket.vendor_id
            form.vendor_reference.data = ticket.vendor_reference
            form.vendor_due_at.data = ticket.vendor_due_at
            form.vendor_pauses.data = ticket.vendor_pauses_clock
    elif name == "status" and fresh:
        form.status.data = ticket.status.value
    elif name == "priority" and fresh:
        form.priority.data = ticket.priority.value
    return form


def _agent_choices(ticket) -> list[SelectChoice]:
    agents = assignable_agents(ticket)
    return [SelectChoice("", "Unassigned")] + [
        SelectChoice(str(a.id), f"{a.name} (tier {a.as_actor().working_tier})") for a in agents
    ]


def _prepare_properties(form: FlaskForm, ticket, fresh: bool) -> None:
    """The properties panel saved with the composer: its choices, and the ticket's values."""
    current = ticket.status.value.replace("_", " ").capitalize()
    form.status.choices = [SelectChoice("", f"{current} (keep)"), *STATUS_CHOICES]
    form.assignee.choices = _agent_choices(ticket)
    form.team.choices = [SelectChoice("", "No team")] * (ticket.team_id is None) + [
        SelectChoice(str(t.id), f"{t.name} (tier {t.tier})") for t in all_teams()
    ]
    if fresh:
        form.mode.data = "reply"
        form.priority.data = ticket.priority.value
        form.team.data = ticket.team_id
        form.assignee.data = ticket.assignee_id


def _vendor_words(team) -> str:
    """'CloudCo (24 h target, pauses the clock)': the defaults a hand-off starts from."""
    defaults = [f"{team.vendor_target_hours} h target"] if team.vendor_target_hours else []
    if team.vendor_pauses_clock:
        defaults.append("pauses the clock")
    return f"{team.name} ({', '.join(defaults)})" if defaults else team.name


PROPERTY_FORMS = frozenset({"assign", "status", "priority"})


def _all_errors(form: FlaskForm) -> list[str]:
    return [*form.form_errors, *(e for f in form if f.errors for e in f.errors if isinstance(e, str))]


def _keep_in_note(refused: FlaskForm, note: FlaskForm) -> None:
    """The ticket moved above the agent's tier, so the refused form is gone from the page: its
    message and what was typed in it go to the note form, the one they can still use."""
    typed = next(
        (f.data for name in ("body", "reason") if (f := refused._fields.get(name)) is not None and f.data),
        None,
    )
    note.form_errors.extend(refused.form_errors)
    if typed:
        note.body.data = typed
        note.form_errors.append("What you typed is kept below; add it as an internal note or hand it on.")


def render_ticket(
    ticket_id: int,
    failed: tuple[str, FlaskForm] | None = None,
    status: int = 200,
    reply_text: str | None = None,
    reply_mode: str | None = None,
):
    """The ticket page; `failed` is the action form that was just refused, shown with its errors."""
    view = ticket_page(current_user, ticket_id)
    forms = {}
    for name, form_class in FORMS.items():
        refused = failed is not None and failed[0] == name
        form = failed[1] if refused and failed is not None else form_class(formdata=None, prefix=name)
        forms[name] = prepare(name, form, view.ticket, fresh=not refused)
    if reply_text is not None:
        forms["reply"].body.data = reply_text
    if reply_mode in ("reply", "note"):
        forms["reply"].mode.data = reply_mode
    if failed is not None and failed[0] in PROPERTY_FORMS:
        # Those actions are saved from the properties panel, part of the composer.
        forms["reply"].form_errors.extend(_all_errors(failed[1]))
    if failed is not None and not view.can_work and failed[0] != "note":
        _keep_in_note(failed[1], forms["note"])
    actor = current_user.as_actor()
    viewers = viewing_if_possible(current_user, ticket_id)
    return render_template(
        "desk/ticket.html",
        view=view,
        ticket=view.ticket,
        forms=forms,
        sla=sla_view(view.ticket),
        vendor=vendor_panel(view.ticket),
        sidebar=ticket_sidebar(view.ticket),
        articles=ticket_articles(view.ticket),
        canned=canned_for(current_user),
        tags=ticket_tags(view.ticket.id),
        working_tier=actor.working_tier,
        failed=failed[0] if failed else None,
        attachments=attachments_by_message(m.id for m in view.messages),
        viewers=viewers,
        heartbeat_seconds=HEARTBEAT_SECONDS,
        next_ticket=next_in_queue(current_user, view.ticket),
    ), status
