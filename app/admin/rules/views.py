"""Admin pages for escalation rules: the ordered list, the editor with dry-run, the rule-set
dry-run. Mounted at /admin/rules."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin.rules.forms import FIELD_HINTS, VALUE_INPUT, DryRunForm, RuleButtonForm, RuleForm
from app.domain.errors import InvalidInput
from app.domain.escalation import TRIGGER_LABELS
from app.domain.rule_fields import FIELDS, OPERATOR_LABELS
from app.domain.rule_parsing import RuleDirectory, RuleInvalid, parse_rule
from app.domain.rule_text import describe_rule
from app.form_fields import show_error
from app.services.rules.admin import (
    delete_rule,
    get_rule,
    list_rules,
    move_rule,
    rule_directory,
    save_rule,
    set_rule_enabled,
)
from app.services.rules.dry_run import dry_run, dry_run_draft, preview_matches
from app.services.rules.engine import enabled_rules

bp = Blueprint("rules", __name__)


@bp.get("/")
def index():
    directory = rule_directory()
    names = {**directory.teams, **directory.agents}
    rows = []
    for rule in list_rules(current_user):
        try:
            parsed = parse_rule(rule.as_data(), RuleDirectory(check_targets=False))
            when, then = describe_rule(parsed, names)
        except RuleInvalid as error:
            when, then = f"Cannot be read: {error}", ""
        rows.append((rule, when, then))
    return render_template(
        "admin/rules/index.html", rows=rows, buttons=RuleButtonForm(), triggers=TRIGGER_LABELS
    )


def _render_editor(form: RuleForm, rule, *, report=None, problems=(), status: int = 200):
    form.ensure_rows()
    directory = rule_directory()
    form.offer(dict(directory.teams), dict(directory.agents))
    blank = RuleForm(formdata=None, meta={"csrf": False})
    blank.conditions.append_entry()
    blank.actions.append_entry()
    blank.offer(dict(directory.teams), dict(directory.agents))
    return render_template(
        "admin/rules/edit.html",
        form=form,
        rule=rule,
        report=report,
        problems=problems,
        fields=FIELDS.values(),
        operator_labels=OPERATOR_LABELS,
        directory=directory,
        blank=blank,
        value_input=VALUE_INPUT,
        field_hints=FIELD_HINTS,
    ), status


def _row_change(form: RuleForm, intent: str) -> bool:
    """Add or remove a row as the pressed button says; False when it was no such button."""
    if intent in ("add_condition", "add_action"):
        form.add_row(intent.removeprefix("add_"))
        return True
    which, _, index = intent.rpartition("-")
    if which in ("remove_condition", "remove_action") and index.isdigit():
        form.remove_row(which.removeprefix("remove_"), int(index))
        return True
    return False


def _editor(rule_id: int | None):
    rule = get_rule(current_user, rule_id) if rule_id is not None else None
    form = RuleForm()
    if request.method == "GET":
        if rule is not None:
            form.fill_from(rule.as_data())
        else:
            form.enabled.data = False  # switched on only once someone has seen what it does
        return _render_editor(form, rule)
    intent = request.form.get("intent") or "save"
    if not form.validate_on_submit():
        return _render_editor(form, rule, status=400)
    if _row_change(form, intent):
        return _render_editor(form, rule)
    data = form.as_data()
    try:
        if intent == "dry_run":
            report = dry_run_draft(current_user, data, replacing_id=rule_id, days=form.days.data or 30)
            return _render_editor(form, rule, report=report)
        saved = save_rule(current_user, data, rule_id=rule_id)
    except RuleInvalid as error:
        return _render_editor(form, rule, problems=error.problems, status=400)
    except InvalidInput as error:
        show_error(form, error, "name")
        return _render_editor(form, rule, status=400)
    state = "It is on: it runs on live tickets." if saved.enabled else "It is off until you enable it."
    flash(f"Rule '{saved.name}' saved. {state}", "success")
    return redirect(url_for("admin.rules.index"))


@bp.post("/preview")
def preview():
    """What the rule being typed would match among recent tickets, as a piece of the editor page."""
    form = RuleForm()
    form.validate_on_submit()
    # A name is not needed to see what the rule matches.
    if any(name != "name" for name in form.errors):
        return render_template(
            "admin/rules/_preview.html", preview=None, problems=["a field above needs fixing"]
        )
    try:
        found = preview_matches(current_user, form.as_data(), days=form.days.data or 30)
    except InvalidInput as error:
        problems = getattr(error, "problems", None) or [str(error)]
        return render_template("admin/rules/_preview.html", preview=None, problems=problems)
    return render_template("admin/rules/_preview.html", preview=found, problems=())


@bp.route("/new", methods=["GET", "POST"])
def new():
    return _editor(None)


@bp.route("/<int:rule_id>/edit", methods=["GET", "POST"])
def edit(rule_id: int):
    return _editor(rule_id)


def _checked_button() -> RuleButtonForm:
    form = RuleButtonForm()
    if not form.validate_on_submit():
        raise InvalidInput("The form expired; reload the page and try again.")
    return form


@bp.post("/<int:rule_id>/move")
def move(rule_id: int):
    form = _checked_button()
    move_rule(current_user, rule_id, form.value.data or "")
    return redirect(url_for("admin.rules.index"))


@bp.post("/<int:rule_id>/enabled")
def toggle(rule_id: int):
    form = _checked_button()
    rule = set_rule_enabled(current_user, rule_id, form.value.data == "on")
    flash(f"Rule '{rule.name}' {'enabled' if rule.enabled else 'disabled'}.", "success")
    return redirect(url_for("admin.rules.index"))


@bp.post("/<int:rule_id>/delete")
def delete(rule_id: int):
    _checked_button()
    name = get_rule(current_user, rule_id).name
    delete_rule(current_user, rule_id)
    flash(f"Rule '{name}' deleted.", "success")
    return redirect(url_for("admin.rules.index"))


@bp.get("/dry-run")
def dry_run_page():
    form = DryRunForm(request.args)
    report = None
    status = 200
    if request.args:
        if form.validate():
            report = dry_run(current_user, enabled_rules(), trigger=form.trigger.data, days=form.days.data)
        else:
            status = 400
    return render_template("admin/rules/dry_run.html", form=form, report=report), status
