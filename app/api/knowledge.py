"""/api/v1/kb: help articles and their search. Everyone with a token reads published articles;
staff also read drafts, as on the desk."""

from __future__ import annotations

from app.api.auth import api_user
from app.api.core import Blueprint, document_errors
from app.api.schemas_relationship import ArticleListArgs, ArticleOut, ArticlesOut, HitsOut, SearchArgs
from app.services.kb.articles import readable_article, search_and_log
from app.services.kb.listings import latest_articles

bp = Blueprint("api_kb", __name__, url_prefix="/api/v1/kb", description="Knowledge base")


def _article(article, *, with_body: bool) -> dict:
    shape = {
        "id": article.id,
        "title": article.title,
        "slug": article.slug,
        "status": str(article.status),
        "category_id": article.category_id,
        "tags": article.tags.split(),
        "helpful_count": article.helpful_count,
        "not_helpful_count": article.not_helpful_count,
        "updated_at": article.updated_at,
    }
    if with_body:
        shape.update(body_markdown=article.body_markdown, body_html=article.body_html)
    return shape


@bp.get("/articles")
@bp.arguments(ArticleListArgs, location="query")
@bp.response(200, ArticlesOut)
@document_errors(bp, (400, 401, 429))
def articles(args: dict):
    """The most recently changed articles first (published ones, unless you are staff)."""
    rows = latest_articles(limit=args["limit"], published_only=not api_user().is_staff)
    return {"items": [_article(a, with_body=False) for a in rows]}


@bp.get("/articles/<int:article_id>")
@bp.response(200, ArticleOut)
@document_errors(bp, (401, 404, 429))
def article(article_id: int):
    """One article with its text (Markdown, and the sanitized HTML the pages show)."""
    return _article(readable_article(api_user(), article_id), with_body=True)


@bp.get("/search")
@bp.arguments(SearchArgs, location="query")
@bp.response(200, HitsOut)
@document_errors(bp, (400, 401, 429))
def search(args: dict):
    """Published articles matching the words, best first, with a highlighted snippet (HTML)."""
    user = api_user()
    customer = user.customer
    hits = search_and_log(args["q"], customer_id=customer.id if customer else None, limit=args["limit"])
    return {
        "items": [
            {
                "article_id": h.article_id,
                "title": h.title,
                "slug": h.slug,
                "category_id": h.category_id,
                "snippet_html": str(h.snippet),
            }
            for h in hits
        ]
    }
