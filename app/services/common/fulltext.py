"""Pieces shared by the full-text searches (knowledge base, tickets): safe highlighted snippets.

Snippets are built with private marker characters, escaped, and only then given <mark> tags,
so the searched text can never inject HTML through a snippet.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from app.extensions import db

START, END = "\x02", "\x03"
_NO_MARKERS = str.maketrans("", "", START + END)


def on_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def highlight(raw: str) -> Markup:
    """Escaped text in which only the marked matches become <mark> elements."""
    safe = str(escape(raw))
    return Markup(safe.replace(START, "<mark>").replace(END, "</mark>"))


def make_snippet(body: str, words: list[str], width: int = 24) -> str:
    """A window of the body around the first matching word, matches wrapped in markers."""
    tokens = body.translate(_NO_MARKERS).split()
    stems = [w[:5] for w in words]

    def hit(token: str) -> bool:
        plain = token.lower().strip(".,;:!?()[]\"'")
        return any(plain.startswith(stem) for stem in stems)

    first = next((n for n, token in enumerate(tokens) if hit(token)), 0)
    start = max(0, first - width // 3)
    window = tokens[start : start + width]
    marked = [f"{START}{t}{END}" if hit(t) else t for t in window]
    return ("… " if start else "") + " ".join(marked) + (" …" if start + width < len(tokens) else "")
