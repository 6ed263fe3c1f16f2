"""Knowledge-base search with ranking and highlighted snippets, on SQLite FTS5 or PostgreSQL.

The index is kept in sync by the database itself (FTS5 triggers; a generated tsvector column),
so every insert, update and delete of an article is searchable at once. Snippets are built with
private marker characters, escaped, and only then given <mark> tags, so article text can never
inject HTML through a snippet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import text

from app.domain.kb_vocabulary import ArticleStatus
from app.extensions import db

MAX_TERMS = 8
START, END = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: int
    title: str
    slug: str
    category_id: int | None
    snippet: Markup
    rank: float


def terms(query: str) -> list[str]:
    """The words of a query, lower-cased, at most a handful, each at least two letters."""
    words = [w.lower() for w in _WORD.findall(query or "") if len(w) >= 2]
    unique = list(dict.fromkeys(words))
    return unique[:MAX_TERMS]


def _highlight(raw: str) -> Markup:
    safe = str(escape(raw))
    return Markup(safe.replace(START, "<mark>").replace(END, "</mark>"))


def search_articles(query: str, *, limit: int = 10, published_only: bool = True,
                    category_ids: list[int] | None = None) -> list[Hit]:
    """Best matches first. Any word may match; prefixes match so suggestions work while typing."""
    words = terms(query)
    if not words:
        return []
    if db.engine.dialect.name == "postgresql":
        rows = _postgres(words, limit, published_only, category_ids)
    else:
        rows = _sqlite(words, limit, published_only, category_ids)
    return [Hit(r.id, r.title, r.slug, r.category_id, _highlight(r.snippet or ""), float(r.rank))
            for r in rows]


def _filters(published_only: bool, category_ids: list[int] | None, params: dict) -> str:
    clauses = []
    if published_only:
        clauses.append("a.status = :published")
        params["published"] = ArticleStatus.published.value
    if category_ids is not None:
        names = []
        for n, category_id in enumerate(category_ids):
            params[f"category_{n}"] = category_id
            names.append(f":category_{n}")
        clauses.append(f"a.category_id IN ({', '.join(names) or 'NULL'})")
    return "".join(f" AND {clause}" for clause in clauses)


def _sqlite(words: list[str], limit: int, published_only: bool, category_ids):
    # Each word quoted (no FTS syntax from users), prefix-matched, any word may match.
    match = " OR ".join(f'"{w}"*' for w in words)
    params: dict = {"match": match, "limit": limit, "start": START, "end": END}
    sql = (
        "SELECT a.id, a.title, a.slug, a.category_id, "
        "snippet(kb_articles_fts, 2, :start, :end, '…', 14) AS snippet, "
        "bm25(kb_articles_fts, 8.0, 4.0, 1.0) AS rank "
        "FROM kb_articles_fts JOIN kb_articles a ON a.id = kb_articles_fts.rowid "
        "WHERE kb_articles_fts MATCH :match" + _filters(published_only, category_ids, params)
        + " ORDER BY rank LIMIT :limit"
    )
    return db.session.execute(text(sql), params).all()


def _postgres(words: list[str], limit: int, published_only: bool, category_ids):
    params: dict = {"query": " | ".join(f"{w}:*" for w in words), "limit": limit,
                    "options": f"StartSel={START}, StopSel={END}, MaxWords=28, MinWords=10"}
    # Rank first, then build headlines only for the rows shown (ts_headline is the costly part).
    sql = (
        "WITH q AS (SELECT to_tsquery('english', :query) AS q), top AS ("
        "SELECT a.id, ts_rank_cd(a.search_vector, q.q) AS rank FROM kb_articles a, q "
        "WHERE a.search_vector @@ q.q" + _filters(published_only, category_ids, params)
        + " ORDER BY rank DESC, a.id LIMIT :limit) "
        "SELECT a.id, a.title, a.slug, a.category_id, top.rank, "
        "ts_headline('english', a.body_text, q.q, :options) AS snippet "
        "FROM top JOIN kb_articles a ON a.id = top.id, q ORDER BY top.rank DESC, a.id"
    )
    return db.session.execute(text(sql), params).all()
