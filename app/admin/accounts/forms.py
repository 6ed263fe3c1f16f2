"""Admin forms: staff accounts and teams."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.domain.assignment import AWAY_CHOICES, MODE_LABELS, AssignmentMode
from app.domain.ids import is_row_id
from app.domain.tiers import tier_label
from app.form_fields import optional_int

TIER_CHOICES = [SelectChoice(str(t), tier_label(t)) for t in range(0, 5)]


def _team_id(form: FlaskForm, field: SelectField) -> None:
    if field.data is not None and not is_row_id(field.data):
        raise ValidationError("No such team.")


class StaffFields(FlaskForm):
    """What creating and editing an agent or admin share (the service checks the name)."""

    name = StringField("Name", validators=[Length(max=120)])
    role = SelectField("Role", choices=[SelectChoice("agent", "Agent"), SelectChoice("admin", "Admin")])
    support_tier = SelectField(
        "Support tier",
        coerce=optional_int,
        validate_choice=False,
        choices=[SelectChoice("", "— choose —")] + [SelectChoice(str(t), tier_label(t)) for t in range(1, 5)],
        description="The highest tier they work; admins work every tier.",
    )
    team = SelectField("Team", coerce=optional_int, validate_choice=False, validators=[_team_id])


class CreateStaffForm(StaffFields):
    # Checked by the service with every other field, so all problems show at once.
    email = EmailField("Email", validators=[Length(max=254)])
    password = PasswordField(
        "First password",
        validators=[Length(max=200)],
        description="At least 10 characters; they can change it later.",
    )


class TeamForm(FlaskForm):
    name = StringField("Team name", validators=[Length(max=200)])  # the service checks it with the rest
    tier = SelectField("Tier it works", choices=TIER_CHOICES, coerce=int)
    is_external = BooleanField("External vendor (tier 4)")
    assignment_mode = SelectField(
        "Assignment",
        default=AssignmentMode.manual.value,
        choices=[SelectChoice(mode.value, label) for mode, label in MODE_LABELS.items()],
        description="Automatic modes skip agents who are away, deactivated or below the ticket's tier.",
    )
    vendor_target_hours = IntegerField(
        "Vendor's target (hours)",
        validators=[Optional(), NumberRange(min=1)],
        description="External vendors: the vendor's own target, in its working hours below; a "
        "hand-off's due time starts from it.",
    )
    vendor_pauses_clock = BooleanField(
        "Waiting on this vendor pauses the customer's clock (a hand-off may say otherwise)"
    )
    vendor_calendar_id = SelectField(
        "Vendor's working hours",
        coerce=int,
        default=0,
        choices=[SelectChoice(0, "Round the clock")],
        validate_choice=True,
        description="External vendors: the business calendar their target counts in.",
    )

    def offer_calendars(self, calendars: list[tuple[int, str]]) -> None:
        """The calendars a vendor may work in (read by the view from the SLA settings)."""
        self.vendor_calendar_id.choices = [SelectChoice(0, "Round the clock")] + [
            SelectChoice(calendar_id, name) for calendar_id, name in calendars
        ]


class ButtonForm(FlaskForm):
    """Carries the CSRF token of a one-button form."""

    value = HiddenField()


class ImportContactsForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired(message="Choose a CSV file."), FileAllowed(["csv"], "Only .csv files.")],
    )
    dry_run = BooleanField("Dry run: check and report, write nothing")


class EditStaffForm(StaffFields):
    away = BooleanField("Away: gets no tickets automatically")
    away_hours = SelectField(
        "For how long",
        coerce=optional_int,
        validate_choice=False,
        choices=[SelectChoice("" if hours is None else str(hours), label) for hours, label in AWAY_CHOICES],
        description="From now; “until I'm back” lasts until they or an admin switch it off.",
    )
