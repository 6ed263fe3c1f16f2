"""Forms for business calendars and SLA policies."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.domain.business_time import HOURS_FIELDS, WEEKDAY_NAMES
from app.domain.sla import MAX_TARGET_MINUTES, join_minutes, split_minutes
from app.domain.tiers import tier_label
from app.domain.vocabulary import AccountTier, Priority
from app.form_fields import optional_int

TARGET_NAMES = ("first_response", "next_response", "resolution", *(f"dwell_{tier}" for tier in range(5)))
TARGET_LABELS = {
    "first_response": "First response",
    "next_response": "Next response",
    "resolution": "Resolution",
    **{f"dwell_{tier}": f"Time at {tier_label(tier)}" for tier in range(5)},
}


def _hours(label: str) -> IntegerField:
    return IntegerField(
        f"{label}: hours",
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_TARGET_MINUTES // 60, message="Hours from 0 to %(max)s."),
        ],
    )


def _minutes(label: str) -> IntegerField:
    return IntegerField(
        f"{label}: minutes",
        validators=[Optional(), NumberRange(min=0, max=59, message="Minutes from 0 to 59.")],
    )


class CalendarForm(FlaskForm):
    # The service checks name and timezone with every other part, so all problems show at once.
    name = StringField("Name", validators=[Length(max=200)])
    timezone = StringField(
        "Timezone",
        default="Europe/Berlin",
        validators=[Length(max=200)],
        description="An IANA name such as Europe/Berlin or America/New_York.",
    )
    always_open = BooleanField("Open 24/7 (ignores hours, holidays and closed days)")
    holidays_country = StringField(
        "Public holidays of country",
        validators=[Optional(), Length(max=8)],
        description="ISO code such as DE, US, GB; empty for none.",
    )
    holidays_subdivision = StringField(
        "Subdivision",
        validators=[Optional(), Length(max=16)],
        description="For example BY (Bavaria) or CA (California).",
    )
    closed_dates = TextAreaField(
        "Extra closed days",
        validators=[Optional(), Length(max=5000)],
        description="One date per line, YYYY-MM-DD.",
    )


for _day, (_field, _name) in enumerate(zip(HOURS_FIELDS, WEEKDAY_NAMES, strict=True)):
    setattr(
        CalendarForm,
        _field,
        StringField(
            _name,
            default="09:00-17:00" if _day < 5 else "",
            validators=[Optional(), Length(max=200)],
            description="Empty when closed; split shifts as 08:00-12:00, 13:00-17:00." if _day == 0 else "",
        ),
    )


class PolicyForm(FlaskForm):
    # The service checks the name with everything else, so every problem shows at once.
    name = StringField("Name", validators=[Length(max=200)])
    calendar = SelectField("Calendar", coerce=optional_int, validate_choice=False)
    is_default = BooleanField("Default policy (when no other cell matches)")
    account_tier = SelectField(
        "Account tier",
        choices=[SelectChoice("", "Any")]
        + [SelectChoice(t.value, t.value.capitalize()) for t in AccountTier],
    )
    priority = SelectField(
        "Priority",
        choices=[SelectChoice("", "Any")] + [SelectChoice(p.value, p.value.capitalize()) for p in Priority],
    )
    warn_percent = IntegerField(
        "Warn at (% of a target)", default=80, validators=[InputRequired(), NumberRange(min=1, max=99)]
    )

    def target(self, name: str) -> int | None:
        """A target in business minutes from its hours and minutes; both empty is no target."""
        return join_minutes(self[f"{name}_hours"].data, self[f"{name}_minutes"].data)

    def show_target(self, name: str, minutes: int | None) -> None:
        self[f"{name}_hours"].data, self[f"{name}_minutes"].data = split_minutes(minutes)


for _name in TARGET_NAMES:
    setattr(PolicyForm, f"{_name}_hours", _hours(TARGET_LABELS[_name]))
    setattr(PolicyForm, f"{_name}_minutes", _minutes(TARGET_LABELS[_name]))
