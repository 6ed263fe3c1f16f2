"""Admin: staff accounts (create, deactivate, reactivate) and teams."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.admin.accounts.forms import (
    ButtonForm,
    CreateStaffForm,
    EditStaffForm,
    ImportContactsForm,
    StaffFields,
    TeamForm,
)
from app.domain.errors import InvalidInput
from app.form_fields import optional_int, show_error
from app.services.accounts.directory import delete_team, get_team, get_user, list_users, team_rows
from app.services.accounts.staff import StaffChanges, edit_staff_user, send_reset_link
from app.services.accounts.staff_accounts import create_staff_user, set_user_active
from app.services.accounts.teams import save_team
from app.services.accounts.two_factor import reset_two_factor
from app.services.common.links import absolute_url
from app.services.relationship.contact_import import import_contacts
from app.services.sla.overview import list_calendars

bp = Blueprint("accounts", __name__)


@bp.get("/users")
def users():
    role = request.args.get("role") or None
    try:
        after = optional_int(request.args.get("after"))
    except ValueError:
        raise InvalidInput("That page link is broken; start from the first page.") from None
    page = list_users(current_user, role=role, after=after)
    return render_template("admin/users.html", page=page, role=role, button=ButtonForm())


def _team_choices(form: StaffFields) -> None:
    form.team.choices = [SelectChoice("", "No team")] + [
        SelectChoice(str(row.team.id), f"{row.team.name} (tier {row.team.tier})")
        for row in team_rows(current_user)
    ]


def _staff_form() -> CreateStaffForm:
    form = CreateStaffForm()
    _team_choices(form)
    return form


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = _staff_form()
    if form.validate_on_submit():
        try:
            user = create_staff_user(
                current_user,
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                role=form.role.data,
                support_tier=form.support_tier.data,
                team_id=form.team.data,
            )
        except InvalidInput as error:
            show_error(form, error, "email")
        else:
            flash(f"{user.name} can now sign in as {user.role.value}.", "success")
            return redirect(url_for("admin.accounts.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/new_user.html", form=form), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = get_user(current_user, user_id)
    if not user.is_staff:
        flash(f"{user.name} is a customer: edit them as a contact.", "info")
        if user.customer is None:
            return redirect(url_for("admin.accounts.users"))
        return redirect(url_for("admin.relationship.edit_contact", customer_id=user.customer.id))
    form = EditStaffForm(obj=user if request.method == "GET" else None)
    _team_choices(form)
    if request.method == "GET":
        form.role.data, form.team.data = user.role.value, user.team_id
        form.away.data = user.away_now
    if form.validate_on_submit():
        changes = StaffChanges(
            name=form.name.data,
            role=form.role.data,
            support_tier=form.support_tier.data,
            team_id=form.team.data,
            away=form.away.data,
            away_hours=form.away_hours.data,
        )
        try:
            edit_staff_user(current_user, user.id, changes)
        except InvalidInput as error:
            show_error(form, error, "name")
        else:
            flash(f"{user.name} saved.", "success")
            return redirect(url_for("admin.accounts.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/edit_user.html", form=form, user=user, button=ButtonForm()), status


def reset_link(token: str) -> str:
    """Built from BASE_URL, like every link in mail."""
    return absolute_url("account.reset", token=token)


@bp.post("/users/<int:user_id>/reset-password")
def reset_password_of(user_id: int):
    if not ButtonForm().validate_on_submit():
        raise InvalidInput("The form expired; reload the page and try again.")
    get_user(current_user, user_id)
    try:
        user = send_reset_link(current_user, user_id, reset_link)
    except InvalidInput as error:
        flash(str(error), "error")
    else:
        flash(f"{user.name} was mailed a link to choose a new password (valid for an hour).", "success")
    return redirect(url_for("admin.accounts.edit_user", user_id=user_id), 303)


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    form = ButtonForm()
    if not form.validate_on_submit():
        raise InvalidInput("The form expired; reload the page and try again.")
    get_user(current_user, user_id)
    try:
        user = set_user_active(current_user, user_id, form.value.data == "on")
    except InvalidInput as error:
        flash(str(error), "error")
        return redirect(url_for("admin.accounts.users"), 303)
    flash(f"{user.name} is {'active again' if user.active else 'deactivated'}.", "success")
    return redirect(url_for("admin.accounts.users"))


@bp.post("/users/<int:user_id>/reset-two-step")
def reset_two_factor_of(user_id: int):
    """For someone who lost both their app and their recovery codes; their sessions end too."""
    if not ButtonForm().validate_on_submit():
        raise InvalidInput("The form expired; reload the page and try again.")
    get_user(current_user, user_id)
    try:
        user = reset_two_factor(current_user, user_id)
    except InvalidInput as error:
        flash(str(error), "error")
        return redirect(url_for("admin.accounts.users"), 303)
    flash(f"Two-step sign-in of {user.name} is reset; they set it up again after signing in.", "success")
    return redirect(url_for("admin.accounts.users"))


def _team_settings(form: TeamForm) -> dict:
    return {
        "is_external": form.is_external.data,
        "assignment_mode": form.assignment_mode.data,
        "vendor_target_hours": form.vendor_target_hours.data,
        "vendor_pauses_clock": form.vendor_pauses_clock.data,
        "vendor_calendar_id": form.vendor_calendar_id.data or None,
    }


def _team_form(team: object | None = None, calendar_id: int | None = None) -> TeamForm:
    """The team form with the calendars a vendor may work in ("round the clock" is 0)."""
    form = TeamForm(obj=team)
    form.offer_calendars([(c.id, c.name) for c in list_calendars(current_user)])
    if request.method == "GET" or form.vendor_calendar_id.data is None:
        form.vendor_calendar_id.data = calendar_id or 0
    return form


@bp.route("/teams", methods=["GET", "POST"])
def teams():
    form = _team_form()
    if form.validate_on_submit():
        try:
            team = save_team(current_user, name=form.name.data, tier=form.tier.data, **_team_settings(form))
        except InvalidInput as error:
            show_error(form, error, "name")
        else:
            flash(f"Team {team.name} created.", "success")
            return redirect(url_for("admin.accounts.teams"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/teams.html", rows=team_rows(current_user), form=form, button=ButtonForm()
    ), status


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
def edit_team(team_id: int):
    team = get_team(current_user, team_id)
    form = _team_form(team, team.vendor_calendar_id)
    if form.validate_on_submit():
        try:
            save_team(
                current_user,
                name=form.name.data,
                tier=form.tier.data,
                team_id=team.id,
                **_team_settings(form),
            )
        except InvalidInput as error:
            show_error(form, error, "name")
        else:
            flash(f"Team {team.name} saved.", "success")
            return redirect(url_for("admin.accounts.teams"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/edit_team.html", form=form, team=team), status


@bp.post("/teams/<int:team_id>/delete")
def remove_team(team_id: int):
    if not ButtonForm().validate_on_submit():
        raise InvalidInput("The form expired; reload the page and try again.")
    name = get_team(current_user, team_id).name
    try:
        delete_team(current_user, team_id)
    except InvalidInput as error:
        flash(str(error), "error")
        return redirect(url_for("admin.accounts.teams"), 303)
    flash(f"Team {name} deleted.", "success")
    return redirect(url_for("admin.accounts.teams"))


@bp.route("/import", methods=["GET", "POST"])
def import_contacts_page():
    form = ImportContactsForm()
    report = None
    if form.validate_on_submit():
        report = import_contacts(current_user, form.file.data.read(), dry_run=form.dry_run.data)
        if report.applied:
            flash(f"Imported: {report.summary}.", "success")
    status = 400 if (request.method == "POST" and (report is None or report.errors)) else 200
    return render_template("admin/import.html", form=form, report=report), status
