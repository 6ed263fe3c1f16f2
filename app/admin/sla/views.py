"""Admin pages for service levels: business calendars and the policy matrix (/admin/sla)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from app.admin.sla.forms import TARGET_LABELS, TARGET_NAMES, CalendarForm, PolicyForm
from app.domain.business_time import HOURS_FIELDS
from app.domain.errors import InvalidInput
from app.domain.sla import Targets
from app.domain.vocabulary import AccountTier, Priority
from app.form_fields import show_error
from app.services.accounts.timezone import timezone_names
from app.services.reports.zone import set_report_zone, zone_setting
from app.services.sla.adoption_job import adoption_progress
from app.services.sla.overview import list_calendars, sla_overview
from app.services.sla.setup import get_calendar, get_policy, save_calendar, save_policy

bp = Blueprint("sla", __name__)


@bp.get("/")
def index(zone_error: str | None = None, status: int = 200):
    overview = sla_overview(current_user)
    return render_template(
        "admin/sla/index.html",
        calendars=overview.calendars,
        matrix=overview.matrix,
        default=overview.default,
        tiers=[None, *AccountTier],
        priorities=[None, *Priority],
        zone_form=FlaskForm(),
        report_zone=zone_setting(),
        zones=timezone_names(),
        zone_error=zone_error,
        adoption=adoption_progress(current_user),
    ), status


@bp.post("/report-timezone")
def report_timezone():
    """The desk's reporting timezone: where report days start and end."""
    if not FlaskForm().validate_on_submit():
        return index("The form expired; reload the page and try again.", 400)
    try:
        zone = set_report_zone(current_user, request.form.get("timezone"))
    except InvalidInput as error:
        return index(str(error), 400)
    flash(
        f"Report days now run from midnight to midnight, {zone.key}. The reports are recounted in it "
        "at the next fold, within a few minutes.",
        "success",
    )
    return redirect(url_for("admin.sla.index", _anchor="report-zone-title"), 303)


def _calendar_editor(calendar_id: int | None):
    row = get_calendar(current_user, calendar_id) if calendar_id else None
    form = CalendarForm()
    if request.method == "GET" and row is not None:
        form.name.data, form.timezone.data = row.name, row.timezone
        form.always_open.data = row.always_open
        form.holidays_country.data = row.holidays_country or ""
        form.holidays_subdivision.data = row.holidays_subdivision or ""
        form.closed_dates.data = "\n".join(row.closed_dates or [])
        for day, field in enumerate(HOURS_FIELDS):
            form[field].data = (row.weekly_hours or {}).get(str(day), "")
    if form.validate_on_submit():
        hours = (
            {}
            if form.always_open.data
            else {day: form[field].data or "" for day, field in enumerate(HOURS_FIELDS)}
        )
        try:
            saved = save_calendar(
                current_user,
                name=form.name.data,
                timezone=form.timezone.data,
                weekly_hours=hours,
                always_open=form.always_open.data,
                holidays_country=None if form.always_open.data else form.holidays_country.data,
                holidays_subdivision=None if form.always_open.data else form.holidays_subdivision.data,
                closed_dates=[]
                if form.always_open.data
                else [line for line in (form.closed_dates.data or "").split() if line],
                calendar_id=calendar_id,
            )
        except InvalidInput as error:
            show_error(form, error, "name")
        else:
            flash(f"Calendar {saved.name} saved.", "success")
            return redirect(url_for("admin.sla.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/sla/calendar.html", form=form, row=row, hours_fields=HOURS_FIELDS), status


@bp.route("/calendars/new", methods=["GET", "POST"])
def new_calendar():
    return _calendar_editor(None)


@bp.route("/calendars/<int:calendar_id>/edit", methods=["GET", "POST"])
def edit_calendar(calendar_id: int):
    return _calendar_editor(calendar_id)


def _adoption_note() -> str:
    """What the save left to the scheduler, if anything."""
    work = adoption_progress(current_user)
    if work is None or work.finished:
        return ""
    return f" SLA targets will be set on {work.waiting:,} waiting tickets in the next minutes."


def _policy_editor(policy_id: int | None):
    row = get_policy(current_user, policy_id) if policy_id else None
    form = PolicyForm()
    form.calendar.choices = [SelectChoice(str(c.id), c.name) for c in list_calendars(current_user)]
    if request.method == "GET":
        if row is not None:
            form.name.data, form.calendar.data = row.name, row.calendar_id
            form.is_default.data = row.is_default
            form.account_tier.data = row.account_tier.value if row.account_tier else ""
            form.priority.data = row.priority.value if row.priority else ""
            form.show_target("first_response", row.first_response_minutes)
            form.show_target("next_response", row.next_response_minutes)
            form.show_target("resolution", row.resolution_minutes)
            form.warn_percent.data = row.warn_percent
            for tier, minutes in enumerate(row.dwell_minutes):
                form.show_target(f"dwell_{tier}", minutes)
        else:
            form.account_tier.data = request.args.get("account_tier", "")
            form.priority.data = request.args.get("priority", "")
    if form.validate_on_submit():
        dwell = tuple(form.target(f"dwell_{t}") for t in range(5))
        targets = Targets(
            form.target("first_response"),
            form.target("next_response"),
            form.target("resolution"),
            (dwell[0], dwell[1], dwell[2], dwell[3], dwell[4]),
            form.warn_percent.data,
        )
        try:
            saved = save_policy(
                current_user,
                name=form.name.data,
                calendar_id=form.calendar.data or 0,
                targets=targets,
                account_tier=form.account_tier.data or None,
                priority=form.priority.data or None,
                is_default=form.is_default.data,
                policy_id=policy_id,
            )
        except InvalidInput as error:
            show_error(form, error, "name", renamed={name: f"{name}_hours" for name in TARGET_NAMES})
        else:
            flash(f"Policy {saved.name} saved.{_adoption_note()}", "success")
            return redirect(url_for("admin.sla.index"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/sla/policy.html", form=form, row=row, targets=TARGET_NAMES, labels=TARGET_LABELS
    ), status


@bp.route("/policies/new", methods=["GET", "POST"])
def new_policy():
    return _policy_editor(None)


@bp.route("/policies/<int:policy_id>/edit", methods=["GET", "POST"])
def edit_policy(policy_id: int):
    return _policy_editor(policy_id)
