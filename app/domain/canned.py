"""Canned replies: text with a few named placeholders, filled in without running any template
code, so a reply written by one agent can never execute anything for another."""

from __future__ import annotations

import re
from collections.abc import Mapping

from app.domain.errors import InvalidInput

PLACEHOLDERS = (
    "customer.name",
    "customer.email",
    "ticket.reference",
    "ticket.subject",
    "agent.name",
    "organization.name",
)
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")
_ANY_BRACES = re.compile(r"\{\{.*?\}\}", re.DOTALL)


def check_canned(body: str) -> None:
    """Raise with a sentence unless every {{ … }} is a known placeholder."""
    for found in _ANY_BRACES.findall(body or ""):
        match = _PLACEHOLDER.fullmatch(found)
        if match is None or match.group(1) not in PLACEHOLDERS:
            raise InvalidInput(
                f"Unknown placeholder {found}; use one of "
                + ", ".join("{{" + name + "}}" for name in PLACEHOLDERS)
                + ".",
                field="body",
            )


def fill_canned(body: str, values: Mapping[str, str]) -> str:
    """The reply text with placeholders replaced by plain values (missing ones become empty)."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), body or "")
