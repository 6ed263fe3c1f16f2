"""Writing and reading the knowledge base: categories, articles, votes, and search logging."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.kb_vocabulary import ArticleStatus
from app.domain.markup import plain_text, render_markdown, slugify
from app.domain.vocabulary import Role
from app.extensions import db
from app.models import KbArticle, KbCategory, KbSearch, KbVote, User
from app.models.types import utcnow
from app.services.common.access import require_admin
from app.services.common.rows import find_row
from app.services.common.setup_cache import KB, bump_setup
from app.services.common.transaction import transaction
from app.services.kb.search import Hit, search_articles

WRITER_TIER = 2
TITLE_MAX, BODY_MAX, TAGS_MAX = 200, 100_000, 400


def can_write(user: User | None) -> bool:
    """Agents from tier 2 up and admins write articles."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_staff:
        return False
    return user.role is Role.admin or (user.support_tier or 0) >= WRITER_TIER


def _require_writer(actor: User) -> None:
    if not can_write(actor):
        raise NotAllowed("Articles are written by tier 2+ agents and admins.")


def _unique_slug(title: str, article_id: int | None) -> str:
    base = slugify(title)
    slug, n = base, 1
    while True:
        clash = db.session.scalar(select(KbArticle.id).where(KbArticle.slug == slug))
        if clash is None or clash == article_id:
            return slug
        n += 1
        slug = f"{base}-{n}"


def save_article(
    actor: User,
    *,
    title: str,
    body: str,
    category_id: int | None,
    tags: str = "",
    published: bool = False,
    article_id: int | None = None,
    now: datetime | None = None,
) -> KbArticle:
    now = now or utcnow()
    _require_writer(actor)
    title = " ".join((title or "").split())
    if not title or len(title) > TITLE_MAX:
        raise InvalidInput(f"Give the article a title of at most {TITLE_MAX} characters.", "title")
    if not (body or "").strip():
        raise InvalidInput("The article has no text.", field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(f"The article is too long (at most {BODY_MAX} characters).", "body")
    tag_words = " ".join(dict.fromkeys(t.lower() for t in (tags or "").replace(",", " ").split()))
    if len(tag_words) > TAGS_MAX:
        raise InvalidInput("Too many tags.", field="tags")
    if category_id is not None and find_row(KbCategory, category_id) is None:
        raise InvalidInput("No such category.", field="category")
    with transaction():
        article = get_article(article_id) if article_id else KbArticle(created_at=now, author_id=actor.id)
        html = render_markdown(body)
        article.title, article.slug = title, _unique_slug(title, article_id)
        article.body_markdown, article.body_html, article.body_text = body, html, plain_text(html)
        article.tags, article.category_id = tag_words, category_id
        article.status = ArticleStatus.published if published else ArticleStatus.draft
        article.updated_at = now
        db.session.add(article)
    return article


def get_article(article_id: int) -> KbArticle:
    article = find_row(KbArticle, article_id)
    if article is None:
        raise NotFound("No such article.")
    return article


def published_article(slug: str) -> KbArticle:
    """What readers (customers, visitors) may open: published articles only."""
    article = db.session.scalars(
        select(KbArticle).where(KbArticle.slug == slug, KbArticle.status == ArticleStatus.published)
    ).first()
    if article is None:
        raise NotFound("No such article.")
    return article


def save_category(
    actor: User, *, name: str, self_service: bool, category_id: int | None = None, now: datetime | None = None
) -> KbCategory:
    require_admin(actor)
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise InvalidInput("Give the category a name of at most 80 characters.", field="name")
    clash = db.session.scalars(select(KbCategory).where(func.lower(KbCategory.name) == name.lower())).first()
    if clash is not None and clash.id != category_id:
        raise InvalidInput("A category with this name exists already.", field="name")
    with transaction():
        category = find_row(KbCategory, category_id) if category_id else None
        if category_id and category is None:
            raise NotFound("No such category.")
        category = category or KbCategory(created_at=now or utcnow())
        category.name, category.slug, category.self_service = name, slugify(name), self_service
        db.session.add(category)
        bump_setup(KB)  # every process's copy of the self-service categories
    return category


def toggle_category_self_service(actor: User, category_id: int, *, now: datetime | None = None) -> KbCategory:
    """Switch whether requests a category answers start at tier 0 with the article as first reply."""
    require_admin(actor)
    category = find_row(KbCategory, category_id)
    if category is None:
        raise InvalidInput("No such category.")
    return save_category(
        actor, name=category.name, self_service=not category.self_service, category_id=category.id, now=now
    )


def vote(actor: User, article_id: int, helpful: bool, *, now: datetime | None = None) -> KbArticle:
    """One vote per person and article; voting again changes it."""
    with transaction():
        article = get_article(article_id)
        if article.status is not ArticleStatus.published:
            raise NotFound("No such article.")
        existing = db.session.scalars(
            select(KbVote).where(KbVote.article_id == article.id, KbVote.user_id == actor.id)
        ).first()
        if existing is not None:
            if existing.helpful == helpful:
                return article
            _count(article, existing.helpful, -1)
            existing.helpful = helpful
        else:
            db.session.add(
                KbVote(article_id=article.id, user_id=actor.id, helpful=helpful, created_at=now or utcnow())
            )
        _count(article, helpful, +1)
    return article


def _count(article: KbArticle, helpful: bool, delta: int) -> None:
    if helpful:
        article.helpful_count += delta
    else:
        article.not_helpful_count += delta


def search_and_log(
    query: str, *, customer_id: int | None = None, limit: int = 10, now: datetime | None = None
) -> list[Hit]:
    """Search published articles and remember the search for the gap report."""
    hits = search_articles(query, limit=limit)
    cleaned = " ".join((query or "").split())[:200]
    if cleaned:
        with transaction():
            db.session.add(
                KbSearch(
                    query=cleaned, results=len(hits), customer_id=customer_id, created_at=now or utcnow()
                )
            )
    return hits


def readable_article(actor: User, article_id: int) -> KbArticle:
    """An article by id for this reader: staff read drafts too, everyone else published ones."""
    article = find_row(KbArticle, article_id)
    if article is None or (article.status != ArticleStatus.published and not actor.is_staff):
        raise NotFound("No such article.")
    return article
