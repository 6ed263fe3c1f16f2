"""Admin forms for organizations and contacts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app.domain.vocabulary import AccountTier, LifecycleStage, LoyaltySegment
from app.form_fields import optional_int


def _choices(enum) -> list[SelectChoice]:
    return [SelectChoice(m.value, m.value.replace("_", " ").capitalize()) for m in enum]


class OrganizationForm(FlaskForm):
    # No validators beyond lengths: the service checks every fact and names each problem at once.
    name = StringField("Name", validators=[Length(max=300)])
    account_tier = SelectField(
        "Account tier", choices=_choices(AccountTier), default=AccountTier.inside.value, validate_choice=False
    )
    lifecycle_stage = SelectField(
        "Lifecycle stage",
        choices=_choices(LifecycleStage),
        default=LifecycleStage.activation.value,
        validate_choice=False,
    )
    loyalty_segment = SelectField(
        "Loyalty segment",
        choices=[SelectChoice("", "Not set"), *_choices(LoyaltySegment)],
        validate_choice=False,
    )
    lifetime_value = StringField(
        "Lifetime value",
        validators=[Length(max=40)],
        description="In the account's currency, such as 125000 or 125000.50.",
    )
    timezone = StringField(
        "Timezone",
        validators=[Length(max=64)],
        description="An IANA name such as Europe/Berlin; may be empty.",
    )
    account_manager = SelectField("Account manager", coerce=optional_int, validate_choice=False)


class ContactForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=300)])
    email = EmailField("Email", validators=[Length(max=300)])
    organization = SelectField("Organization", coerce=optional_int, validate_choice=False)
    is_org_admin = BooleanField(
        "Organization admin: sees and follows every request of the organization in the portal"
    )


class MergeForm(FlaskForm):
    other = EmailField(
        "Address of the other contact",
        validators=[InputRequired(message="Give the other contact's address."), Length(max=300)],
        description="Their tickets, ratings and history move to this contact; the other contact is removed.",
    )
    confirm = BooleanField(
        "Yes, they are the same person", validators=[InputRequired(message="Tick to confirm.")]
    )
