"""Rule editor forms. Fields, operators and actions come from the domain vocabulary as selects;
blank rows are ignored so an admin can add conditions and actions without scripts."""

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

from app.domain.escalation import ACTION_LABELS, NOTICE_TIMING_LABELS, TRIGGER_LABELS, NoticeTiming, Trigger
from app.domain.rule_fields import FIELDS, OPERATOR_LABELS

BLANK_CONDITIONS = 3
BLANK_ACTIONS = 2

FIELD_CHOICES = [SelectChoice("", "— no condition —")] + [
    SelectChoice(f.name, f.label) for f in FIELDS.values()
]
OPERATOR_CHOICES = [SelectChoice(o.value, label) for o, label in OPERATOR_LABELS.items()]
ACTION_CHOICES = [SelectChoice("", "— no action —")] + [
    SelectChoice(k.value, label) for k, label in ACTION_LABELS.items()
]
TRIGGER_CHOICES = [SelectChoice(t.value, label) for t, label in TRIGGER_LABELS.items()]
NOTICE_TIMING_CHOICES = [SelectChoice(t.value, label) for t, label in NOTICE_TIMING_LABELS.items()]


class ConditionRow(Form):
    field = SelectField("Field", choices=FIELD_CHOICES, validate_choice=True)
    operator = SelectField("Operator", choices=OPERATOR_CHOICES, validate_choice=True)
    value = StringField("Value", validators=[Optional(), Length(max=200)])


class ActionRow(Form):
    kind = SelectField("Action", choices=ACTION_CHOICES, validate_choice=True)
    value = StringField("Value", validators=[Optional(), Length(max=200)])


class RuleForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=120)])
    trigger = SelectField("When", choices=TRIGGER_CHOICES, validate_choice=True)
    conditions = FieldList(FormField(ConditionRow), min_entries=0, max_entries=20)
    actions = FieldList(FormField(ActionRow), min_entries=0, max_entries=10)
    enabled = BooleanField("Enabled")
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
                {"field": row.field.data, "operator": row.operator.data, "value": row.value.data}
                for row in self.conditions
                if row.field.data
            ],
            "actions": [
                {"kind": row.kind.data, "value": row.value.data or None}
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
            self.conditions.append_entry(
                {
                    "field": item["field"],
                    "operator": item["operator"],
                    "value": "" if value is None else str(value),
                }
            )
        for item in data["actions"]:
            value = item.get("value")
            self.actions.append_entry({"kind": item["kind"], "value": "" if value is None else str(value)})

    def add_blank_rows(self) -> None:
        """Empty rows to fill in, below the rule's own conditions and actions."""
        while self._blank_conditions() < BLANK_CONDITIONS and len(self.conditions) < 20:
            self.conditions.append_entry()
        while self._blank_actions() < BLANK_ACTIONS and len(self.actions) < 10:
            self.actions.append_entry()

    def _blank_conditions(self) -> int:
        return sum(1 for row in self.conditions if not row.field.data)

    def _blank_actions(self) -> int:
        return sum(1 for row in self.actions if not row.kind.data)


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
