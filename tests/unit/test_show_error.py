"""A service's refusal lands beside the field it names, whichever form shows it."""

from __future__ import annotations

from wtforms import Form, StringField

from app.domain.errors import InvalidInput, NotAllowed
from app.form_fields import show_error


class RequestForm(Form):
    subject = StringField()
    urgency = StringField()


def _errors(form: Form) -> dict:
    return {name: list(field.errors) for name, field in form._fields.items() if field.errors} | (
        {None: form.form_errors} if form.form_errors else {}
    )


def test_the_named_field_gets_the_message():
    form = RequestForm()
    show_error(form, InvalidInput("Too long.", field="urgency"), "subject")
    assert _errors(form) == {"urgency": ["Too long."]}


def test_an_unnamed_or_unknown_field_falls_back():
    form = RequestForm()
    show_error(form, InvalidInput("Nope.", field="no_such_field"), "subject")
    show_error(form, NotAllowed("Locked."), "subject")
    assert _errors(form) == {"subject": ["Nope.", "Locked."]}


def test_without_a_fallback_the_message_goes_above_the_form():
    form = RequestForm()
    show_error(form, InvalidInput("Changed meanwhile.", field="version"))
    assert _errors(form) == {None: ["Changed meanwhile."]}


def test_service_field_names_can_be_renamed_to_the_forms():
    form = RequestForm()
    refused = InvalidInput("No such priority.", field="priority")
    show_error(form, refused, "subject", renamed={"priority": "urgency"})
    assert _errors(form) == {"urgency": ["No such priority."]}


def test_attribute_names_that_are_not_fields_are_not_mistaken_for_fields():
    form = RequestForm()
    show_error(form, InvalidInput("Odd.", field="data"), "subject")
    assert _errors(form) == {"subject": ["Odd."]}
