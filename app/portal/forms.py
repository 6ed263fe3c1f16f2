"""Portal forms: a new request, a reply, reopening."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app.domain.tickets import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH
from app.domain.vocabulary import Category, Priority
from app.form_fields import says_enough

URGENCY_WORDS = {
    Priority.low: "Low – whenever you can",
    Priority.normal: "Normal",
    Priority.high: "High – it blocks my work",
    Priority.urgent: "Urgent – everything is down",
}
CATEGORY_WORDS = {
    Category.general: "General question",
    Category.account: "My account or sign-in",
    Category.billing: "Billing and invoices",
    Category.technical: "Something is broken",
    Category.integration: "Integrations and API",
    Category.security: "Security concern",
}


class NewRequestForm(FlaskForm):
    subject = StringField(
        "Subject",
        validators=[InputRequired(message="Give the request a subject."), Length(max=SUBJECT_MAX_LENGTH)],
        description="A few words that sum up the problem.",
    )
    description = TextAreaField(
        "What happened?",
        validators=[
            InputRequired(message="Describe what happened."),
            Length(max=BODY_MAX_LENGTH),
            says_enough,
        ],
        description="What you did, what you expected, what you saw instead (a few words at least).",
    )
    category = SelectField(
        "Topic",
        choices=[SelectChoice(c.value, label) for c, label in CATEGORY_WORDS.items()],
        default=Category.general.value,
    )
    seen = HiddenField()  # ids of the suggested articles the customer was shown
    urgency = SelectField(
        "How urgent is it?",
        choices=[SelectChoice(p.value, label) for p, label in URGENCY_WORDS.items()],
        default=Priority.normal.value,
    )


class DeflectForm(FlaskForm):
    """'This answered my question' on a suggested article."""

    article_id = HiddenField(validators=[InputRequired()])
    subject = HiddenField()
    category = HiddenField()


class SelfServiceForm(FlaskForm):
    """The customer's answer to a tier-0 article: solved, or a person please."""

    solved = HiddenField(validators=[InputRequired()])


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Your reply",
        validators=[InputRequired(message="The message is empty."), Length(max=BODY_MAX_LENGTH)],
    )
    attachments = MultipleFileField(
        "Attach files",
        description="Optional: up to 3 files of 5 MB each (PNG, JPEG, GIF, PDF, TXT, LOG or CSV).",
    )


class RatingForm(FlaskForm):
    rating = RadioField(
        "How did we do?",
        choices=[
            SelectChoice("5", "5 – very happy"),
            SelectChoice("4", "4"),
            SelectChoice("3", "3"),
            SelectChoice("2", "2"),
            SelectChoice("1", "1 – very unhappy"),
        ],
        validators=[InputRequired(message="Choose a rating.")],
    )
    comment = TextAreaField("Anything to add? (optional)", validators=[Length(max=2000)])


class ReopenForm(FlaskForm):
    """Carries the CSRF token for the reopen button."""
