"""Forms for business calendars and SLA policies."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.domain.business_time import HOURS_FIELDS, WEEKDAY_NAMES
from app.domain.sla import MAX_TARGET_MINUTES
from app.domain.tiers import tier_label
from app.domain.vocabulary import AccountTier, Priority
from app.form_fields import optional_int


def _minutes(label: str) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            InputRequired(message="Give a number of minutes."),
            NumberRange(min=1, max=MAX_TARGET_MINUTES),
        ],
        description="Business minutes.",
    )


class CalendarForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=80)])
    timezone = StringField(
        "Timezone",
        default="Europe/Berlin",
        validators=[InputRequired()],
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
    name = StringField("Name", validators=[InputRequired(), Length(max=80)])
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
    first_response = _minutes("First response")
    next_response = _minutes("Next response")
    resolution = _minutes("Resolution")
    warn_percent = IntegerField(
        "Warn at (% of a target)", default=80, validators=[InputRequired(), NumberRange(min=1, max=99)]
    )


for _tier in range(5):
    setattr(PolicyForm, f"dwell_{_tier}", _minutes(f"Time at {tier_label(_tier)}"))
