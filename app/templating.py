"""Jinja filters and globals: presentation only, no business rules."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Flask, g, has_app_context
from markupsafe import Markup, escape

from app.domain.assignment import AWAY_CHOICES
from app.domain.customer_words import STATE_HINTS, customer_state
from app.domain.escalation import describe_effect
from app.domain.tiers import REASON_LABELS, reason_label, tier_label
from app.models.types import utcnow


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def _relative(value: datetime | None, now: datetime | None = None) -> str:
    """'3 h ago', 'in 42 min', 'just now'."""
    if value is None:
        return "—"
    seconds = ((now or utcnow()) - value).total_seconds()
    minutes = round(abs(seconds) / 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        span = f"{minutes} min"
    elif minutes < 48 * 60:
        span = f"{round(minutes / 60)} h"
    else:
        span = f"{round(minutes / 1440)} d"
    return f"{span} ago" if seconds >= 0 else f"in {span}"


def _exact(value: datetime) -> str:
    """The exact time in the agent's own timezone on desk pages (see app.desk), else in UTC."""
    zone = g.get("display_zone") if has_app_context() else None
    if zone is None:
        return _when(value)
    return value.astimezone(zone).strftime(f"%Y-%m-%d %H:%M {zone.key}")


def _exact_or_dash(value: datetime | None) -> str:
    """The exact time in the agent's zone (UTC off the desk); '—' when there is none."""
    return _exact(value) if value else "—"


def _time_left(value: datetime | None) -> Markup:
    """'42 min left' or '3 h over', the exact time on hover."""
    if value is None:
        return Markup("—")
    now = utcnow()
    words = _relative(value, now)
    text = f"{words[3:]} left" if words.startswith("in ") else words.replace(" ago", " over")
    return _ticking(value, now, "left", text)


def _time(value: datetime | None) -> Markup:
    """A <time> that reads relative ('3 h ago') and shows the exact time on hover."""
    if value is None:
        return Markup("—")
    now = utcnow()
    return _ticking(value, now, "ago", _relative(value, now))


def _ticking(value: datetime, now: datetime, kind: str, text: str) -> Markup:
    """A <time> that static/js/relative_times.js writes again as time passes; `data-now` is when
    the server wrote it, so the page counts on from the server's clock."""
    return Markup('<time datetime="{}" title="{}" data-tick="{}" data-now="{}">{}</time>').format(
        value.isoformat(), _exact(value), kind, now.isoformat(), text
    )


_ACRONYMS = {"api": "API", "sla": "SLA", "csat": "CSAT", "csv": "CSV"}


def _label(value) -> str:
    """An internal word as people read it: 'on_hold' → 'On hold', 'api' → 'API'."""
    words = _words(value)
    return _ACRONYMS.get(words, words.capitalize())


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


def _minutes_counting(minutes: float | None, due_at: datetime | None) -> Markup | str:
    """Time left to a target counted round the clock, where a business minute is a minute:
    written like `_business_minutes`, and the page counts it on (static/js/relative_times.js)."""
    if minutes is None or due_at is None:
        return _business_minutes(minutes)
    return _ticking(due_at, utcnow(), "minutes", _business_minutes(minutes))


def register(app: Flask) -> None:
    app.jinja_env.filters["when"] = _when
    app.jinja_env.filters["words"] = _words
    app.jinja_env.filters["label"] = _label
    app.jinja_env.filters["ago"] = _relative
    app.jinja_env.filters["time"] = _time
    app.jinja_env.filters["exact"] = _exact_or_dash
    app.jinja_env.filters["time_left"] = _time_left
    app.jinja_env.filters["minutes_counting"] = _minutes_counting
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
