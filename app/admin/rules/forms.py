"""Rule editor forms. Fields, operators and actions come from the domain vocabulary as selects;
an action names its team, agent, tier, priority or whom to notify by choosing from a list. Any
number of condition and action rows: blank rows are ignored, and "Add condition" / "Add action"
add one (a script does it in the page; without one, the form comes back with a new row)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.domain.escalation import (
    ACTION_LABELS,
    NOTICE_TIMING_LABELS,
    TRIGGER_LABELS,
    ActionKind,
    NoticeTiming,
    NotifyTarget,
    Trigger,
)
from app.domain.rule_fields import FIELDS, OPERATOR_LABELS, FieldKind, Operator
from app.domain.rule_parsing import MAX_ACTIONS, MAX_CONDITIONS
from app.domain.tiers import tier_label
from app.domain.vocabulary import Priority

FIELD_CHOICES = [SelectChoice("", "— no condition —")] + [
    SelectChoice(f.name, f.label) for f in FIELDS.values()
]
OPERATOR_CHOICES = [SelectChoice(o.value, label) for o, label in OPERATOR_LABELS.items()]
ACTION_CHOICES = [SelectChoice("", "— no action —")] + [
    SelectChoice(k.value, label) for k, label in ACTION_LABELS.items()
]
TRIGGER_CHOICES = [SelectChoice(t.value, label) for t, label in TRIGGER_LABELS.items()]
NOTICE_TIMING_CHOICES = [SelectChoice(t.value, label) for t, label in NOTICE_TIMING_LABELS.items()]


def _named(value: str) -> str:
    return value.replace("_", " ").capitalize()


# The values a condition can choose from by name, per field with a known set of values; the option
# carries its field ("priority:urgent") so a choice left over from another field is never taken.
VALUE_CHOICES: dict[str, list[tuple[str, str]]] = {
    spec.name: [(f"{spec.name}:{c}", _named(c)) for c in spec.choices]
    for spec in FIELDS.values()
    if spec.kind is FieldKind.choice
}
VALUE_CHOICES["tier"] = [(f"tier:{t}", tier_label(t)) for t in range(5)]
# For the builder script: which operators each field takes and whether it offers a list of values.
FIELD_HINTS = {
    spec.name: {"operators": [o.value for o in spec.operators], "choices": spec.name in VALUE_CHOICES}
    for spec in FIELDS.values()
}


class ConditionRow(Form):
    field = SelectField("Field", choices=FIELD_CHOICES, validate_choice=True)
    operator = SelectField("Operator", choices=OPERATOR_CHOICES, validate_choice=True)
    # The domain checks the chosen value (rule_parsing), with a sentence naming the field.
    choice = SelectField(
        "Value",
        validate_choice=False,
        choices=[SelectChoice("", "— value —")]
        + [
            SelectChoice(value, label, optgroup=FIELDS[name].label)
            for name, options in VALUE_CHOICES.items()
            for value, label in options
        ],
    )
    value = StringField("Value", validators=[Optional(), Length(max=200)])

    def chosen_value(self) -> str | None:
        """The value chosen by name for the row's own field (not for "is one of", which takes a
        typed list), else the typed value."""
        prefix = f"{self.field.data}:"
        chosen = self.choice.data or ""
        if self.operator.data != Operator.in_.value and chosen.startswith(prefix):
            return chosen[len(prefix) :]
        return self.value.data

    def show(self, value: str) -> None:
        """Put a saved value in the list when the field has it by name, else in the text box."""
        option = f"{self.field.data}:{value}"
        names = {key for key, _ in VALUE_CHOICES.get(self.field.data or "", [])}
        if self.operator.data != Operator.in_.value and option in names:
            self.choice.data, self.value.data = option, ""
        else:
            self.value.data = value


NOTIFY_LABELS = {
    NotifyTarget.account_manager: "the account manager",
    NotifyTarget.assignee: "the assignee",
    NotifyTarget.team: "the ticket's team",
    NotifyTarget.admins: "the admins",
}
# Which input of an action row carries the value of each kind of action ("value" is free text).
VALUE_INPUT = {
    ActionKind.set_tier: "tier",
    ActionKind.set_priority: "priority",
    ActionKind.assign_team: "team",
    ActionKind.assign_agent: "agent",
    ActionKind.notify: "notify",
    ActionKind.add_tag: "value",
}


ACTION_KINDS = frozenset(k.value for k in ActionKind)


class ActionRow(Form):
    kind = SelectField("Action", choices=ACTION_CHOICES, validate_choice=True)
    # The domain checks the chosen value (rule_parsing), with a sentence naming the action.
    tier = SelectField(
        "Tier",
        validate_choice=False,
        choices=[SelectChoice("", "— tier —")] + [SelectChoice(str(t), tier_label(t)) for t in range(5)],
    )
    priority = SelectField(
        "Priority",
        validate_choice=False,
        choices=[SelectChoice("", "— priority —")]
        + [SelectChoice(p.value, p.value.capitalize()) for p in Priority],
    )
    team = SelectField("Team", choices=[], validate_choice=False)
    agent = SelectField("Agent", choices=[], validate_choice=False)
    notify = SelectField(
        "Whom",
        validate_choice=False,
        choices=[SelectChoice("", "— whom —")]
        + [SelectChoice(t.value, label) for t, label in NOTIFY_LABELS.items()],
    )
    value = StringField("Tag", validators=[Optional(), Length(max=200)])

    def offer(self, teams: dict[int, str], agents: dict[int, str]) -> None:
        """The teams and agents to choose from, by name."""
        self.team.choices = [SelectChoice("", "— team —")] + [
            SelectChoice(str(i), n) for i, n in teams.items()
        ]
        self.agent.choices = [SelectChoice("", "— agent —")] + [
            SelectChoice(str(i), n) for i, n in agents.items()
        ]

    def chosen_value(self) -> str | None:
        """The value the row's kind takes, from its own input (or typed, as older forms did)."""
        try:
            name = VALUE_INPUT.get(ActionKind(self.kind.data))
        except ValueError:
            name = None
        chosen = self[name].data if name else None
        return chosen or self.value.data or None


class RuleForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=120)])
    trigger = SelectField("When", choices=TRIGGER_CHOICES, validate_choice=True)
    conditions = FieldList(FormField(ConditionRow), min_entries=0, max_entries=MAX_CONDITIONS)
    actions = FieldList(FormField(ActionRow), min_entries=0, max_entries=MAX_ACTIONS)
    enabled = BooleanField(
        "Enabled: runs on live tickets",
        description="A new rule starts switched off: preview it, save it, then switch it on.",
    )
    stop = BooleanField("Stop here: later rules do not run when this one fires")
    notice_timing = SelectField(
        "Its notices go out",
        choices=NOTICE_TIMING_CHOICES,
        default=NoticeTiming.immediately.value,
        validate_choice=True,
        description="On an SLA event they always wait for business hours.",
    )
    days = IntegerField(
        "Dry-run window (days)", default=30, validators=[Optional(), NumberRange(min=1, max=366)]
    )
    intent = HiddenField()

    def as_data(self) -> dict:
        """The submitted rule in the shape the domain parses; blank rows are left out."""
        return {
            "name": self.name.data,
            "trigger": self.trigger.data,
            "conditions": [
                {"field": row.field.data, "operator": row.operator.data, "value": row.form.chosen_value()}
                for row in self.conditions
                if row.field.data
            ],
            "actions": [
                {"kind": row.kind.data, "value": row.form.chosen_value()}
                for row in self.actions
                if row.kind.data
            ],
            "enabled": self.enabled.data,
            "stop": self.stop.data,
            "notice_timing": self.notice_timing.data,
        }

    def fill_from(self, data: dict) -> None:
        self.name.data = data["name"]
        self.trigger.data = data["trigger"]
        self.enabled.data = data["enabled"]
        self.stop.data = data["stop"]
        self.notice_timing.data = data.get("notice_timing", NoticeTiming.immediately.value)
        for item in data["conditions"]:
            value = item["value"]
            if isinstance(value, list):
                value = ", ".join(value)
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            row = self.conditions.append_entry({"field": item["field"], "operator": item["operator"]})
            row.form.show("" if value is None else str(value))
        for item in data["actions"]:
            value = item.get("value")
            text = "" if value is None else str(value)
            entry = {"kind": item["kind"], "value": text}
            name = VALUE_INPUT.get(ActionKind(item["kind"])) if item["kind"] in ACTION_KINDS else None
            if name and name != "value":
                entry = {"kind": item["kind"], name: text}
            self.actions.append_entry(entry)

    def offer(self, teams: dict[int, str], agents: dict[int, str]) -> None:
        for row in self.actions:
            row.form.offer(teams, agents)

    def ensure_rows(self) -> None:
        """At least one row of each, to fill in."""
        if not len(self.conditions):
            self.conditions.append_entry()
        if not len(self.actions):
            self.actions.append_entry()

    def add_row(self, which: str) -> None:
        """One more empty condition or action row (the form without scripts)."""
        rows, limit = (
            (self.conditions, MAX_CONDITIONS) if which == "condition" else (self.actions, MAX_ACTIONS)
        )
        if len(rows) < limit:
            rows.append_entry()

    def remove_row(self, which: str, index: int) -> None:
        """Drop a condition or action row (by its place on the page)."""
        rows = self.conditions if which == "condition" else self.actions
        if 0 <= index < len(rows.entries):
            del rows.entries[index]


class DryRunForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only reads

    trigger = SelectField("Event", choices=TRIGGER_CHOICES, default=Trigger.ticket_created.value)
    days = IntegerField(
        "Tickets created in the last N days",
        default=30,
        validators=[InputRequired(), NumberRange(min=1, max=366)],
    )


class RuleButtonForm(FlaskForm):
    """Carries the CSRF token for the move, enable and delete buttons."""

    value = HiddenField()
