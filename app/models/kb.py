"""The knowledge base: categories, articles, votes, searches, and what a ticket's customer saw.

Full-text search lives beside the articles table: an FTS5 table kept in sync by triggers on
SQLite, a generated tsvector column with a GIN index on PostgreSQL (both made by the migration,
outside these models; see app/services/kb_search.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.kb_vocabulary import ArticleStatus
from app.extensions import Base
from app.models.types import UTCDateTime, str_enum, utcnow


class KbCategory(Base):
    __tablename__ = "kb_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # Requests in a self-service category start at tier 0 with the best article as first reply.
    self_service: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class KbArticle(Base):
    __tablename__ = "kb_articles"
    __table_args__ = (Index("ix_kb_articles_status_updated", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # rendered and sanitized
    body_text: Mapped[str] = mapped_column(Text)  # plain text, for search and snippets
    tags: Mapped[str] = mapped_column(String(400), default="")  # space-separated
    category_id: Mapped[int | None] = mapped_column(ForeignKey("kb_categories.id"), index=True)
    status: Mapped[ArticleStatus] = mapped_column(str_enum(ArticleStatus, 16), default=ArticleStatus.draft)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    helpful_count: Mapped[int] = mapped_column(default=0)
    not_helpful_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    category: Mapped[KbCategory | None] = relationship()


class KbVote(Base):
    """One helpful / not helpful vote per signed-in person and article (changeable)."""

    __tablename__ = "kb_votes"
    __table_args__ = (
        UniqueConstraint("article_id", "user_id"),
        Index("ix_kb_votes_created", "created_at"),  # a day of votes (report roll-ups)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    helpful: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class KbSearch(Base):
    """A search or a suggestion lookup, for figures and knowledge-base gaps."""

    __tablename__ = "kb_searches"
    __table_args__ = (Index("ix_kb_searches_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200))
    results: Mapped[int]
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class KbImpression(Base):
    """An article the portal suggested to a customer before they asked (each article once per
    request form), for the self-service report's suggestion views."""

    __tablename__ = "kb_impressions"
    __table_args__ = (Index("ix_kb_impressions_created", "created_at"),)  # report roll-ups

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TicketArticle(Base):
    """An article the customer saw before asking, or that was sent as an answer."""

    __tablename__ = "ticket_articles"
    __table_args__ = (Index("ix_ticket_articles_created", "created_at"),)  # report roll-ups

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="seen")  # seen | sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    article: Mapped[KbArticle] = relationship()
