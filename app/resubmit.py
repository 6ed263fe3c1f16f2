"""What a refused POST carried, laid out as a form that sends it again: the typed text in text
areas, the rest (security token, the version the page showed, choices) as hidden fields.

Passwords are never written back into a page, and files cannot be: the page says so."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Request

# Fields people type sentences into, by the last part of their name ("reply-body" → "body").
TEXT_NAMES = frozenset(
    {"body", "description", "subject", "reason", "comment", "title", "content", "summary", "name"}
)
SECRET_WORDS = ("password", "confirm", "secret", "token")


@dataclass(frozen=True, slots=True)
class Resent:
    name: str
    value: str
    label: str
    typed: bool  # shown in a text area to read and edit; otherwise a hidden field


@dataclass(frozen=True, slots=True)
class Resubmission:
    action: str
    fields: list[Resent]
    dropped_secrets: bool
    dropped_files: bool


def resubmission(request: Request) -> Resubmission | None:
    """The posted form as fields to send again, or None when nothing was posted as a form."""
    if request.method != "POST" or not (request.form or request.files):
        return None
    fields, dropped_secrets = [], False
    for name, value in request.form.items(multi=True):
        lowered = name.lower()
        if name != "csrf_token" and any(word in lowered for word in SECRET_WORDS):
            dropped_secrets = True
            continue
        last = lowered.rsplit("-", 1)[-1]
        typed = last in TEXT_NAMES or (len(value) > 40 and last != "csrf_token")
        fields.append(Resent(name, value, last.replace("_", " ").capitalize(), typed))
    dropped_files = any(f.filename for f in request.files.values())
    return Resubmission(request.full_path.rstrip("?"), fields, dropped_secrets, dropped_files)
