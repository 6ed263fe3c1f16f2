"""What an agent typed into ticket search, parsed into terms the database can match safely.

Every word, quoted phrase and `prefix*` must match (AND). Anything else people type - operators,
brackets, colons - is punctuation, never query syntax, so no query reaches the database as raw
FTS5 or tsquery text. A query that cannot mean anything is refused with a sentence saying why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.errors import InvalidInput

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)
_PIECE = re.compile(r'"([^"]*)"|(\S+)')
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_REFERENCE = re.compile(r"^[A-Za-z]{1,8}-\d{1,12}$")


@dataclass(frozen=True, slots=True)
class Term:
    """Words that must appear side by side, in order; the last may be a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class TicketQuery:
    terms: tuple[Term, ...]

    @property
    def words(self) -> list[str]:
        return [word for term in self.terms for word in term.words]


def looks_like_reference(text: str) -> bool:
    """'TD-1042': the exact reference of a ticket, looked up rather than searched for."""
    return bool(_REFERENCE.match(text.strip()))


def parse_ticket_query(text: str | None) -> TicketQuery:
    """The terms of a search; InvalidInput (field `q`) explains a query that means nothing."""
    text = " ".join((text or "").split())
    if not text:
        raise InvalidInput("Type a word to search for, or a reference such as TD-1042.", "q")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"Search for at most {MAX_QUERY_LENGTH} characters.", "q")
    if text.count('"') % 2:
        raise InvalidInput('A quote is not closed: put phrases between two " marks.', "q")
    terms: list[Term] = []
    for phrase, bare in _PIECE.findall(text):
        words = tuple(w.lower() for w in _WORD.findall(phrase or bare))
        if bare in _OPERATORS:
            raise InvalidInput(
                f'Leave out {bare}: every word you type must match already; put a phrase between " marks.',
                "q",
            )
        if not words:
            continue
        if bare.startswith("*") or "*" in bare.rstrip("*"):
            raise InvalidInput("A * goes at the end of a word, as in export*.", "q")
        # A one-letter prefix would match half the index; it needs at least two.
        prefix = bare.endswith("*") and len(words[-1]) >= 2
        # "e-mail" or "ERR-42" typed without quotes still means those words side by side.
        terms.append(Term(words, prefix))
    if not terms:
        raise InvalidInput("The search has no words in it: type letters or digits.", "q")
    if len(terms) > MAX_TERMS:
        raise InvalidInput(f"Search for at most {MAX_TERMS} words or phrases.", "q")
    return TicketQuery(tuple(dict.fromkeys(terms)))


def fts5_match(query: TicketQuery) -> str:
    """The FTS5 MATCH expression: every term quoted, so nothing typed is taken as syntax."""
    return " AND ".join(f'"{" ".join(term.words)}"' + ("*" if term.prefix else "") for term in query.terms)


def tsquery_text(query: TicketQuery) -> str:
    """The PostgreSQL to_tsquery text: words only (no operator characters), joined by <-> within
    a phrase and & between terms."""
    parts = []
    for term in query.terms:
        phrase = " <-> ".join(term.words) + (":*" if term.prefix else "")
        parts.append(f"({phrase})")
    return " & ".join(parts)
