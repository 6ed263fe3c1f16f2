"""Forms of the sign-in security page: a new password, and signing out everywhere."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    password = PasswordField(
        "New password",
        validators=[
            DataRequired(),
            Length(min=10, max=200, message="Use at least 10 characters (at most 200)."),
        ],
        description="At least 10 characters.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )


class SignOutEverywhereForm(FlaskForm):
    """Carries the CSRF token of the "sign out everywhere" button."""


class CreateApiTokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[DataRequired(message="Name the token."), Length(max=80)],
        description="What uses it, e.g. “nightly export”.",
    )
    scope = RadioField(
        "Access",
        choices=[SelectChoice("read", "Read only"), SelectChoice("read_write", "Read and write")],
        default="read",
        validators=[DataRequired()],
    )


class RevokeApiTokenForm(FlaskForm):
    """Carries the CSRF token of a token's Revoke button."""
