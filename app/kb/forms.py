"""Knowledge-base forms for readers."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class VoteForm(FlaskForm):
    helpful = HiddenField()
