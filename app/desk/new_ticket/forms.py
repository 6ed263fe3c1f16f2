"""The desk's "New ticket" form: a request taken by phone, mail or chat."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.desk.tickets.forms import PRIORITY_CHOICES
from app.domain.tickets import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH
from app.domain.vocabulary import Category, Priority
from app.form_fields import optional_int, says_enough

CHANNEL_CHOICES = [
    SelectChoice("phone", "Phone"),
    SelectChoice("email", "Email"),
    SelectChoice("chat", "Chat"),
]
CATEGORY_CHOICES = [SelectChoice(c.value, c.value.capitalize()) for c in Category]


class NewTicketForm(FlaskForm):
    channel = RadioField("How did they reach us?", choices=CHANNEL_CHOICES, default="phone")
    customer_query = StringField(
        "Find the customer",
        validators=[Optional(), Length(max=100)],
        description="Type the start of their name or email address.",
    )
    # Radio buttons the search fills in; a customer chosen earlier comes back checked.
    customer = RadioField("Customer", choices=[], coerce=optional_int, validate_choice=False)
    new_name = StringField("Name", validators=[Optional(), Length(max=120)])
    new_email = StringField("Email address", validators=[Optional(), Length(max=254)])
    subject = StringField(
        "Subject",
        validators=[InputRequired(message="Give the ticket a subject."), Length(max=SUBJECT_MAX_LENGTH)],
    )
    description = TextAreaField(
        "What the customer told us",
        validators=[
            InputRequired(message="Write down what the customer asked."),
            Length(max=BODY_MAX_LENGTH),
            says_enough,
        ],
        description="In their words where you can; they read it in the portal and in their receipt.",
    )
    category = SelectField("Category", choices=CATEGORY_CHOICES, default=Category.general.value)
    priority = SelectField("Priority", choices=PRIORITY_CHOICES, default=Priority.normal.value)
    note = TextAreaField(
        "Internal note (optional)",
        validators=[Optional(), Length(max=BODY_MAX_LENGTH)],
        description="Only staff see it.",
    )
