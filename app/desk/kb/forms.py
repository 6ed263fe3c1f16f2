"""Forms for writing the knowledge base on the desk."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.form_fields import optional_int


class ArticleForm(FlaskForm):
    title = StringField("Title", validators=[InputRequired(), Length(max=200)])
    category = SelectField("Category", coerce=optional_int, validate_choice=False)
    tags = StringField(
        "Tags",
        validators=[Optional(), Length(max=400)],
        description="Words customers might search for, separated by spaces.",
    )
    body = TextAreaField(
        "Text (Markdown)",
        validators=[InputRequired(), Length(max=100_000)],
        description="Headings with ##, lists, **bold**, [links](https://…). HTML is not rendered.",
    )
    published = BooleanField("Published (customers can read it)")


class CategoryForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=80)])
    self_service = BooleanField(
        "Self-service: requests it answers start at tier 0 with the article as first reply"
    )
