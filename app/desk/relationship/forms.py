"""Forms on the customer and organization pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app.domain.vocabulary import AccountTier, LifecycleStage, LoyaltySegment, TouchpointKind


def _choices(enum) -> list[SelectChoice]:
    return [SelectChoice(m.value, m.value.replace("_", " ").capitalize()) for m in enum]


class AccountForm(FlaskForm):
    account_tier = SelectField("Account tier", choices=_choices(AccountTier))
    lifecycle_stage = SelectField("Lifecycle stage", choices=_choices(LifecycleStage))
    loyalty_segment = SelectField(
        "Loyalty segment", choices=[SelectChoice("", "Not set"), *_choices(LoyaltySegment)]
    )


class TouchpointForm(FlaskForm):
    kind = SelectField("Kind", choices=_choices(TouchpointKind))
    summary = TextAreaField("What happened", validators=[InputRequired(), Length(max=500)])
