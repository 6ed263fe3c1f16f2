"""What the knowledge-base pages list: the categories and the latest articles."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.kb_vocabulary import ArticleStatus
from app.extensions import db
from app.models import KbArticle, KbCategory


def list_categories() -> list[KbCategory]:
    """Every category by name: the readers' index, an article's choices, the admin's list."""
    return list(db.session.scalars(select(KbCategory).order_by(KbCategory.name)))


def latest_articles(*, limit: int, published_only: bool = False) -> list[KbArticle]:
    """The most recently changed articles first; readers are shown published ones only."""
    query = select(KbArticle).order_by(KbArticle.updated_at.desc()).limit(limit)
    if published_only:
        query = query.where(KbArticle.status == ArticleStatus.published)
    return list(db.session.scalars(query))
