"""The knowledge base for readers (/kb): search, articles, votes, and typing suggestions."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.domain.errors import InvalidInput
from app.domain.ids import row_ids
from app.kb.forms import VoteForm
from app.services.kb.articles import published_article, search_and_log, vote
from app.services.kb.impressions import record_impressions
from app.services.kb.listings import latest_articles, list_categories
from app.services.kb.search import search_articles

bp = Blueprint("kb", __name__)
SUGGESTIONS = 5
RECENT = 20


def _customer_id() -> int | None:
    customer = getattr(current_user, "customer", None) if current_user.is_authenticated else None
    return customer.id if customer else None


@bp.get("/")
def index():
    query = " ".join(request.args.get("q", "").split())[:200]
    hits = search_and_log(query, customer_id=_customer_id()) if query else []
    categories = list_categories()
    recent = [] if query else latest_articles(limit=RECENT, published_only=True)
    return render_template("kb/index.html", query=query, hits=hits, categories=categories, recent=recent)


@bp.get("/<slug>")
def article(slug: str):
    item = published_article(slug)
    return render_template("kb/article.html", article=item, vote_form=VoteForm())


@bp.post("/<slug>/vote")
@login_required
def vote_on(slug: str):
    form = VoteForm()
    if not form.validate_on_submit() or form.helpful.data not in ("yes", "no"):
        raise InvalidInput("Choose helpful or not helpful.")
    item = published_article(slug)
    vote(current_user, item.id, form.helpful.data == "yes")
    flash("Thanks for telling us.", "success")
    return redirect(url_for("kb.article", slug=slug))


@bp.get("/suggest")
def suggest():
    """Articles matching what a customer is typing, as JSON, for the new-request form."""
    text = " ".join(request.args.get("q", "").split())[:300]
    hits = search_articles(text, limit=SUGGESTIONS, suggest=True) if len(text) >= 3 else []
    record_impressions(
        [h.article_id for h in hits],
        shown_before=row_ids(request.args.get("seen")),
        customer_id=_customer_id(),
    )
    return jsonify(
        articles=[
            {
                "id": h.article_id,
                "title": h.title,
                "url": url_for("kb.article", slug=h.slug),
                "snippet": str(h.snippet),
            }
            for h in hits
        ]
    )
