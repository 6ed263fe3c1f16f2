"""Desk forms: one small form per action on a ticket."""

from __future__ import annotations

from datetime import UTC

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.domain.assignment import AWAY_CHOICES
from app.domain.tickets import AGENT_SETTABLE_STATUSES, BODY_MAX_LENGTH
from app.domain.tiers import (
    DE_ESCALATION_REASONS,
    ESCALATION_REASONS,
    MAX_TIER,
    MIN_TIER,
    REASON_MAX_LENGTH,
    reason_label,
    tier_label,
)
from app.domain.vendors import VENDOR_REFERENCE_MAX_LENGTH
from app.domain.vocabulary import Priority
from app.form_fields import optional_int


def _words(value: str) -> str:
    return value.replace("_", " ").capitalize()


STATUS_CHOICES = [SelectChoice(s.value, _words(s.value)) for s in AGENT_SETTABLE_STATUSES]
PRIORITY_CHOICES = [SelectChoice(p.value, _words(p.value)) for p in Priority]
TIER_CHOICES = [SelectChoice(str(t), tier_label(t)) for t in range(MIN_TIER, MAX_TIER + 1)]
REASON_CODE_CHOICES = (
    [SelectChoice("", "— choose —")]
    + [SelectChoice(c.value, reason_label(c), optgroup="Escalating") for c in ESCALATION_REASONS]
    + [SelectChoice(c.value, reason_label(c), optgroup="De-escalating") for c in DE_ESCALATION_REASONS]
)


def _vendor_due_field(label: str, description: str | None, required: bool = False) -> DateTimeLocalField:
    first = InputRequired(message="Give the vendor's due time.") if required else Optional()
    return DateTimeLocalField(
        label,
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        tz=UTC,
        validators=[first],
        invalid_value_message="Give the due time as a date and time, like 2026-03-04 17:00.",
        description=description,
    )


class ReplyForm(FlaskForm):
    """The composer: a public reply or an internal note, saved with the ticket's properties."""

    version = HiddenField()  # the ticket version the page showed
    mode = RadioField(
        "Write",
        choices=[SelectChoice("reply", "Public reply"), SelectChoice("note", "Internal note")],
        default="reply",
        validators=[Optional()],
    )
    body = TextAreaField(
        "Message",
        validators=[Optional(), Length(max=BODY_MAX_LENGTH)],
    )
    status = SelectField(
        "Status", validators=[Optional()], choices=[SelectChoice("", "Keep as is"), *STATUS_CHOICES]
    )
    priority = SelectField(
        "Priority", validators=[Optional()], choices=PRIORITY_CHOICES, validate_choice=False
    )
    team = SelectField("Team", coerce=optional_int, validate_choice=False, validators=[Optional()])
    assignee = SelectField("Assignee", coerce=optional_int, validate_choice=False, validators=[Optional()])
    tag = StringField("Add a tag", validators=[Optional(), Length(max=40)])
    attachments = MultipleFileField(
        "Attach files", description="Up to 3 files of 5 MB: PNG, JPEG, GIF, PDF, TXT, LOG, CSV."
    )


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Internal note",
        validators=[InputRequired(message="The note is empty."), Length(max=BODY_MAX_LENGTH)],
        description="Only staff see notes.",
    )
    attachments = MultipleFileField("Attach files to the note", description="Only staff can open them.")


class AssignForm(FlaskForm):
    version = HiddenField()  # the ticket version the page showed
    assignee = SelectField("Assignee", coerce=optional_int, validate_choice=False)
    team = SelectField("Team", coerce=optional_int, validate_choice=False)


class StatusForm(FlaskForm):
    version = HiddenField()  # the ticket version the page showed
    status = SelectField("Status", choices=STATUS_CHOICES)


class PriorityForm(FlaskForm):
    version = HiddenField()  # the ticket version the page showed
    priority = SelectField("Priority", choices=PRIORITY_CHOICES)


class TierForm(FlaskForm):
    version = HiddenField()  # the ticket version the page showed
    tier = SelectField("Move to", choices=TIER_CHOICES, coerce=int)
    reason_code = SelectField("Reason code", choices=REASON_CODE_CHOICES, validate_choice=False)
    reason = TextAreaField(
        "Reason",
        validators=[
            InputRequired(message="Say why you are moving this ticket."),
            Length(max=REASON_MAX_LENGTH),
        ],
        description="Going down, this is the note the receiving tier works from.",
    )
    vendor = SelectField("Vendor (tier 4 only)", coerce=optional_int, validate_choice=False)
    vendor_reference = StringField(
        "Vendor's case reference (tier 4 only)",
        validators=[Optional(), Length(max=VENDOR_REFERENCE_MAX_LENGTH)],
        description="Leave it blank if the vendor has not given one yet.",
    )
    vendor_due_at = _vendor_due_field(
        "Vendor's due time, UTC (tier 4 only)", "Blank: from the vendor's own target."
    )
    vendor_pauses = SelectField(
        "Waiting on the vendor pauses the customer clock (tier 4 only)",
        choices=[
            SelectChoice("", "As the vendor is set up"),
            SelectChoice("yes", "Yes"),
            SelectChoice("no", "No"),
        ],
        default="",
    )
    team = SelectField(
        "Receiving team",
        coerce=optional_int,
        validate_choice=False,
        description="Default: the only team that works the new tier.",
    )
    hand_over = BooleanField("Hand it to the receiving team's next agent")


class AwayForm(FlaskForm):
    """An agent says they are away (for a while, or until they come back) or back."""

    away = HiddenField()  # "on" or "off"
    hours = SelectField(
        "Away for",
        coerce=optional_int,
        validate_choice=False,
        choices=[SelectChoice("" if hours is None else str(hours), label) for hours, label in AWAY_CHOICES],
    )


class VendorForm(FlaskForm):
    """The details of the vendor holding a tier-4 ticket, as they change."""

    version = HiddenField()  # the ticket version the page showed
    vendor = SelectField("Vendor", coerce=optional_int, validate_choice=False)
    vendor_reference = StringField(
        "Vendor's case reference", validators=[Optional(), Length(max=VENDOR_REFERENCE_MAX_LENGTH)]
    )
    vendor_due_at = _vendor_due_field(
        "Vendor's due time, UTC", "Blank on a first hand-off: from the vendor's own target."
    )
    vendor_pauses = BooleanField("Waiting on the vendor pauses the customer clock")


class MergeForm(FlaskForm):
    target = StringField(
        "Merge into ticket",
        validators=[InputRequired(), Length(max=32)],
        description="The reference of the ticket to keep, like TD-1042.",
    )
