"""The form for a webhook subscription."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.domain.webhooks import EVENT_LABELS, MAX_URL_LENGTH


class SaveWebhookForm(FlaskForm):
    url = StringField(
        "Payload URL",
        validators=[InputRequired(message="Give the URL to post events to."), Length(max=MAX_URL_LENGTH)],
        description="http:// or https://. Events go to this URL only; redirects are not followed.",
    )
    description = StringField("Description", validators=[Length(max=200)], description="Optional.")
    events = SelectMultipleField(
        "Events",
        choices=[SelectChoice(event.value, label) for event, label in EVENT_LABELS.items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,  # the service names an unknown event
    )
