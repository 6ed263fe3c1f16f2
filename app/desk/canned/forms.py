"""The canned-reply form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length


class CannedForm(FlaskForm):
    title = StringField("Title", validators=[InputRequired(), Length(max=120)])
    body = TextAreaField("Reply", validators=[InputRequired(), Length(max=10_000)])
    shared = BooleanField("Shared with everybody (admins only)")
