"""The forms that save and delete a queue view."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length

from app.services.queues.saved_views import NAME_MAX_LENGTH


class SaveViewForm(FlaskForm):
    name = StringField("Save this view as", validators=[InputRequired(), Length(max=NAME_MAX_LENGTH)])
    queue = HiddenField()
    status = HiddenField()
    priority = HiddenField()
    account_tier = HiddenField()
    tag = HiddenField()
    channel = HiddenField()
    vendor = HiddenField()
    order = HiddenField()


class DeleteViewForm(FlaskForm):
    back = HiddenField()
