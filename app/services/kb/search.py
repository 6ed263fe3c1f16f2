"""Knowledge-base search with ranking and highlighted snippets, on SQLite FTS5 or PostgreSQL.

The index is kept in sync by the database itself (FTS5 triggers; a generated tsvector column; see
app/search_schema.py), so every insert, update and delete of an article is searchable at once.
Snippets are made safe by app/services/fulltext.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy import Row, text

from app.domain.kb_vocabulary import ArticleStatus
from app.extensions import db
from app.services.common.fulltext import END, START, highlight, make_snippet, on_postgres

MAX_TERMS = 8
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


def search_articles(
    query: str,
    *,
    limit: int = 10,
    published_only: bool = True,
    category_ids: list[int] | None = None,
    suggest: bool = False,
) -> list[Hit]:
    """Best matches first. Any word may match; prefixes match so suggestions work while typing.

    `suggest` is for the keystroke-by-keystroke lookups: it ranks only title and tag matches
    and takes further matches in index order, trading a little ranking for speed."""
    words = terms(query)
    if not words:
        return []
    rows: Sequence[_Row | Row[*tuple[Any, ...]]]
    if on_postgres():
        rows = _postgres(words, limit, published_only, category_ids)
    else:
        rows = _sqlite(words, limit, published_only, category_ids, suggest)
    return [
        Hit(r.id, r.title, r.slug, r.category_id, highlight(r.snippet or ""), float(r.rank)) for r in rows
    ]


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


def _sqlite(
    words: list[str], limit: int, published_only: bool, category_ids: list[int] | None, suggest: bool
) -> list[_Row]:
    """Rank in passes, most telling first: every word in the title or tags, any word there, any
    word anywhere. Each pass only fills what the earlier ones left, and snippets are made only
    for the rows returned, so a common word over many articles stays cheap."""
    # Quoted, so no FTS syntax from users; only the last word is a prefix (it is being typed).
    quoted = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    any_word, every_word = " OR ".join(quoted), " AND ".join(quoted)
    titles, everything = ("kb_articles_fts_titles", "2.0, 1.0"), ("kb_articles_fts", "8.0, 4.0, 1.0")
    passes = [
        (titles, every_word, True),
        (titles, any_word, not suggest),
        (everything, every_word if suggest else any_word, not suggest),
    ]
    found: dict[int, float] = {}
    for (table, weights), match, ranked_pass in passes:
        if len(found) >= limit:
            break
        # Rank inside the index alone (no join); unranked passes stop at the first matches.
        # Drafts and other categories are dropped afterwards, so ask for a few more than needed.
        order = "ORDER BY rank " if ranked_pass else ""
        ranked = db.session.execute(
            text(
                f"SELECT rowid AS id, bm25({table}, {weights}) AS rank FROM {table} "
                f"WHERE {table} MATCH :match {order}LIMIT :wanted"
            ),
            {"match": match, "wanted": limit * 3},
        ).all()
        allowed = _allowed({row.id for row in ranked} - set(found), published_only, category_ids)
        for row in ranked:
            if row.id in allowed:
                found.setdefault(row.id, row.rank)
    chosen = list(found)[:limit]
    if not chosen:
        return []
    rows = db.session.execute(
        text(
            "SELECT id, title, slug, category_id, body_text FROM kb_articles "
            f"WHERE id IN ({', '.join(str(int(i)) for i in chosen)})"
        )
    ).all()
    by_id = {row.id: row for row in rows}
    return [
        _Row(
            i,
            by_id[i].title,
            by_id[i].slug,
            by_id[i].category_id,
            make_snippet(by_id[i].body_text, words),
            found[i],
        )
        for i in chosen
        if i in by_id
    ]


def _allowed(ids: set[int], published_only: bool, category_ids: list[int] | None) -> set[int]:
    if not ids:
        return set()
    params: dict = {}
    listed = ", ".join(str(int(i)) for i in ids)
    sql = f"SELECT a.id FROM kb_articles a WHERE a.id IN ({listed})" + _filters(
        published_only, category_ids, params
    )
    return {row.id for row in db.session.execute(text(sql), params)}


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    title: str
    slug: str
    category_id: int | None
    snippet: str
    rank: float


def _postgres(
    words: list[str], limit: int, published_only: bool, category_ids: list[int] | None
) -> Sequence[Row[*tuple[Any, ...]]]:
    params: dict = {
        "query": " | ".join(f"{w}:*" for w in words),
        "limit": limit,
        "options": f"StartSel={START}, StopSel={END}, MaxWords=28, MinWords=10",
    }
    # Rank first, then build headlines only for the rows shown (ts_headline is the costly part).
    sql = (
        "WITH q AS (SELECT to_tsquery('english', :query) AS q), top AS ("
        "SELECT a.id, ts_rank_cd(a.search_vector, q.q) AS rank FROM kb_articles a, q "
        "WHERE a.search_vector @@ q.q"
        + _filters(published_only, category_ids, params)
        + " ORDER BY rank DESC, a.id LIMIT :limit) "
        "SELECT a.id, a.title, a.slug, a.category_id, top.rank, "
        "ts_headline('english', a.body_text, q.q, :options) AS snippet "
        "FROM top JOIN kb_articles a ON a.id = top.id, q ORDER BY top.rank DESC, a.id"
    )
    return db.session.execute(text(sql), params).all()
