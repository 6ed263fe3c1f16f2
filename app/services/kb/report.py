"""What the knowledge base is missing, and how well it deflects: for the people who write it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.domain.kb_vocabulary import ArticleStatus
from app.domain.vocabulary import ActivityKind, Category
from app.extensions import db
from app.models import Activity, KbArticle, KbSearch, Ticket, TierChange
from app.models.activity import IS_REPORTED_KIND
from app.models.types import utcnow
from app.services.kb.search import search_articles

WINDOW = timedelta(days=30)
ESCALATED_CHECKED = 500


@dataclass(slots=True)
class CategoryGap:
    category: str
    escalated: int = 0
    without_article: int = 0
    opened: int = 0
    deflected: int = 0

    @property
    def deflection_rate(self) -> float | None:
        asked = self.opened + self.deflected
        return self.deflected / asked if asked else None


@dataclass(slots=True)
class GapReport:
    categories: list[CategoryGap]
    unanswered_subjects: list[tuple[str, int]]
    empty_searches: list[tuple[str, int]]
    searches: int
    deflections: int
    articles: list[KbArticle] = field(default_factory=list)


def knowledge_gaps(now: datetime | None = None) -> GapReport:
    """Categories and words whose tickets went to tier 2+ in the last 30 days with no article
    that matches them, most often first, plus searches, deflections and helpfulness."""
    now = now or utcnow()
    since = now - WINDOW
    gaps = {c.value: CategoryGap(c.value) for c in Category}
    for category, count in db.session.execute(
        select(Ticket.category, func.count()).where(Ticket.created_at >= since).group_by(Ticket.category)
    ):
        gaps[category.value].opened = count
    escalated = db.session.execute(
        select(Ticket.id, Ticket.subject, Ticket.category)
        .join(TierChange, TierChange.ticket_id == Ticket.id)
        .where(
            TierChange.created_at >= since, TierChange.to_tier >= 2, TierChange.to_tier > TierChange.from_tier
        )
        .group_by(Ticket.id, Ticket.subject, Ticket.category)
        .order_by(Ticket.id.desc())
        .limit(ESCALATED_CHECKED)
    ).all()
    unanswered: Counter[str] = Counter()
    for _ticket_id, subject, category in escalated:
        gap = gaps[category.value]
        gap.escalated += 1
        if not search_articles(subject, limit=1):
            gap.without_article += 1
            unanswered[subject.lower()] += 1
    deflections = (
        db.session.execute(
            select(Activity.data).where(
                Activity.kind == ActivityKind.kb_deflected.value,
                IS_REPORTED_KIND,
                Activity.created_at >= since,
            )
        )
        .scalars()
        .all()
    )
    for data in deflections:
        deflected_category = (data or {}).get("category")
        if deflected_category in gaps:
            gaps[deflected_category].deflected += 1
    empty = db.session.execute(
        select(KbSearch.query, func.count())
        .where(KbSearch.created_at >= since, KbSearch.results == 0)
        .group_by(KbSearch.query)
        .order_by(func.count().desc())
        .limit(20)
    ).all()
    searches = (
        db.session.scalar(select(func.count()).select_from(KbSearch).where(KbSearch.created_at >= since)) or 0
    )
    articles = list(
        db.session.scalars(
            select(KbArticle)
            .where(KbArticle.status == ArticleStatus.published)
            .order_by((KbArticle.helpful_count + KbArticle.not_helpful_count).desc())
            .limit(20)
        )
    )
    ordered = sorted(gaps.values(), key=lambda g: (-g.without_article, -g.escalated, g.category))
    return GapReport(
        ordered, unanswered.most_common(20), [(q, n) for q, n in empty], searches, len(deflections), articles
    )
