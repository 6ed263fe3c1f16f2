"""Forms of two-step sign-in: confirming the app, the code at sign-in, turning it off."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[DataRequired(), Length(max=40)],
        description="The 6 digits your authenticator app shows now, or one of your recovery codes.",
    )


class ConfirmTwoFactorForm(FlaskForm):
    code = StringField(
        "Code from your app",
        validators=[DataRequired(), Length(max=12)],
        description="The 6 digits the app shows for Tierdesk.",
    )


class DisableTwoFactorForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=200)])
    code = StringField("Code from your app or a recovery code", validators=[DataRequired(), Length(max=40)])


class StartTwoFactorForm(FlaskForm):
    """Carries the CSRF token of the set-up button."""
