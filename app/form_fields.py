"""Small helpers shared by the blueprints' forms."""

from __future__ import annotations

from collections.abc import Mapping

from wtforms import Field, Form
from wtforms.validators import ValidationError

from app.domain.customer_words import description_problem
from app.domain.errors import DomainError, Problems
from app.domain.ids import is_digits


def optional_int(value: object) -> int | None:
    """'' means none; anything else must be a whole number (else the field shows an error)."""
    if value in (None, "", "None"):
        return None
    text = str(value).strip()
    if not is_digits(text.removeprefix("-")):  # `int` also reads other scripts' digits: '٣' would be 3
        raise ValueError(f"'{text}' is not a whole number")
    return int(text)


def show_error(
    form: Form,
    error: DomainError,
    fallback: str | None = None,
    *,
    renamed: Mapping[str, str] | None = None,
) -> None:
    """Show a service's refusal beside the field it names, else beside `fallback`, else above
    the form; several at once (domain.errors.Problems) each beside its own. `renamed` maps a
    service's field names to the form's where they differ."""
    if isinstance(error, Problems):
        for problem in error.problems:
            show_error(form, problem, fallback, renamed=renamed)
        return
    name = getattr(error, "field", None) or ""
    name = (renamed or {}).get(name, name)
    field = form._fields.get(name) or (form._fields.get(fallback) if fallback else None)
    if field is None:
        form.form_errors.append(str(error))
    else:
        # A field that was never validated still holds its empty tuple of errors.
        field.errors = [*field.errors, str(error)]


def says_enough(form: Form, field: Field) -> None:
    """A description of a few words at least (domain.customer_words); the text stays typed."""
    problem = description_problem(field.data)
    if problem and (field.data or "").strip():
        raise ValidationError(problem)
