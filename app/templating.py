"""Jinja filters and globals: presentation only, no business rules."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Flask
from markupsafe import Markup, escape

from app.domain.assignment import AWAY_CHOICES
from app.domain.customer_words import STATE_HINTS, customer_state
from app.domain.escalation import describe_effect
from app.domain.tiers import REASON_LABELS, reason_label, tier_label


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def _words(value) -> str:
    text = getattr(value, "value", value)
    return str(text).replace("_", " ") if text is not None else "—"


def _money(minor_units: int | None) -> str:
    return f"{(minor_units or 0) / 100:,.2f}"


def _customer_state(ticket) -> str:
    """What the customer reads for their request's state (domain.customer_words)."""
    return customer_state(ticket.status, ticket.tier)


# A knowledge-base path in a message written by the desk (the automatic answer), e.g. (/kb/slug).
_KB_PATH = re.compile(r"(?<![\w/])/kb/([a-z0-9][a-z0-9-]*)")


def _kb_links(text: str) -> Markup:
    """The text escaped, with its knowledge-base paths made links that say what they open."""
    escaped = str(escape(text or ""))
    return Markup(_KB_PATH.sub(lambda m: f'<a href="/kb/{m.group(1)}">open the article</a>', escaped))


def _business_minutes(minutes: float | None) -> str:
    """'2 h 05 min left' or 'overdue by 40 min', in business time."""
    if minutes is None:
        return "—"
    total = round(abs(minutes))
    hours, rest = divmod(total, 60)
    words = f"{hours} h {rest:02d} min" if hours else f"{rest} min"
    return f"{words} left" if minutes >= 0 else f"overdue by {words}"


def register(app: Flask) -> None:
    app.jinja_env.filters["when"] = _when
    app.jinja_env.filters["words"] = _words
    app.jinja_env.filters["money"] = _money
    app.jinja_env.filters["tier_label"] = tier_label
    app.jinja_env.filters["reason_label"] = reason_label
    app.jinja_env.globals["reason_labels"] = REASON_LABELS
    app.jinja_env.filters["customer_state"] = _customer_state
    app.jinja_env.filters["kb_links"] = _kb_links
    app.jinja_env.globals["state_hints"] = STATE_HINTS
    app.jinja_env.filters["effect_words"] = describe_effect
    app.jinja_env.filters["business_minutes"] = _business_minutes
    app.jinja_env.globals["away_choices"] = AWAY_CHOICES
