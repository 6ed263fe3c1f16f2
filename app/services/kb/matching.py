"""Which article answers a request well enough to be sent without a person, and how sure it is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app.domain.kb_matching import DEFAULT_CONFIDENCE_THRESHOLD, confidence, search_words
from app.extensions import db
from app.models import KbArticle
from app.services.kb.search import search_articles

CANDIDATES = 5


@dataclass(frozen=True, slots=True)
class Answer:
    article: KbArticle
    confidence: float
    threshold: float

    def summary(self) -> str:
        """'confidence 0.67 ≥ 0.60', as the desk shows it."""
        return f"confidence {self.confidence:.2f} ≥ {self.threshold:.2f}"


def confidence_threshold() -> float:
    """The configured minimum confidence (SELF_SERVICE_CONFIDENCE), kept within 0–1."""
    value = current_app.config.get("SELF_SERVICE_CONFIDENCE", DEFAULT_CONFIDENCE_THRESHOLD)
    return min(1.0, max(0.0, float(value)))


def best_answer(text: str, category_ids: list[int], exclude: Iterable[int] = ()) -> Answer | None:
    """The published article of these categories most sure to answer `text`, if it is sure enough.

    The search finds candidates by the request's meaningful words only (no stop words), and
    each candidate is scored by how much of its title and tags the request mentions."""
    skipped = set(exclude)
    words = search_words(text)
    if not words or not category_ids:
        return None
    hits = search_articles(words, limit=len(skipped) + CANDIDATES, category_ids=category_ids)
    ids = [hit.article_id for hit in hits if hit.article_id not in skipped]
    if not ids:
        return None
    articles = {a.id: a for a in db.session.scalars(select(KbArticle).where(KbArticle.id.in_(ids)))}
    threshold = confidence_threshold()
    scored = [(confidence(text, articles[i].title, articles[i].tags), i) for i in ids if i in articles]
    best, article_id = max(scored, key=lambda pair: pair[0], default=(0.0, 0))
    if not article_id or best < threshold or best == 0:
        return None
    return Answer(articles[article_id], best, threshold)
