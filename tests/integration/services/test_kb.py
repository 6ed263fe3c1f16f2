"""Knowledge-base writing, search ranking and votes on a real database (FTS5 or PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.extensions import db
from app.models import KbArticle, KbSearch
from app.services.kb.articles import (
    published_article,
    save_article,
    save_category,
    search_and_log,
    toggle_category_self_service,
    vote,
)
from app.services.kb.listings import latest_articles, list_categories
from app.services.kb.search import search_articles
from tests.factories import make_admin, make_agent, make_customer

CORPUS = [
    (
        "Reset your password",
        "password reset sign-in",
        "Open the sign-in page, choose *Forgot password* and follow the email link.",
    ),
    (
        "Export invoices to CSV",
        "billing export csv",
        "Go to Billing, pick a month and press **Export**. Large exports arrive by email.",
    ),
    (
        "Set up single sign-on (SSO)",
        "sso saml okta",
        "Ask your identity provider for the SAML metadata and upload it under Security.",
    ),
    (
        "Change the language of the app",
        "language locale",
        "Your profile has a language setting; changes apply after the next sign-in.",
    ),
    (
        "Webhooks fail with 502",
        "webhook integration api",
        "A 502 means your endpoint did not answer in time; reply within five seconds.",
    ),
    (
        "Archive old projects",
        "projects archive",
        "Archived projects keep their data but no longer count towards your plan.",
    ),
]


@pytest.fixture
def corpus(now):
    writer = make_agent(tier=2)
    for title, tags, body in CORPUS:
        save_article(writer, title=title, body=body, tags=tags, category_id=None, published=True, now=now)
    save_article(
        writer,
        title="Draft about passwords",
        body="password internals",
        category_id=None,
        published=False,
        now=now,
    )
    return writer


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("forgot my password", "Reset your password"),
        ("how do I export my invoices", "Export invoices to CSV"),
        ("saml", "Set up single sign-on (SSO)"),
        ("webhook 502 errors", "Webhooks fail with 502"),
        ("langu", "Change the language of the app"),  # a prefix, as while typing
        ("archiving projects", "Archive old projects"),
    ],
)
def test_the_right_article_ranks_first(corpus, query, expected):
    hits = search_articles(query)
    assert hits and hits[0].title == expected


def test_drafts_are_not_found_by_readers_and_snippets_are_safe(corpus, now):
    assert all(h.title != "Draft about passwords" for h in search_articles("password"))
    assert any(h.title == "Draft about passwords" for h in search_articles("password", published_only=False))
    save_article(
        corpus,
        title="Escaping",
        body="<script>alert(1)</script> escaping matters",
        category_id=None,
        published=True,
        now=now,
    )
    snippet = str(search_articles("escaping")[0].snippet)
    assert "<script>" not in snippet and "<mark>" in snippet


def test_edits_and_deletes_reach_the_index(corpus, now):
    article = db.session.scalars(select(KbArticle).where(KbArticle.title == "Archive old projects")).one()
    save_article(
        corpus,
        title="Archive old workspaces",
        body="Workspaces can be archived.",
        category_id=None,
        published=True,
        article_id=article.id,
        now=now,
    )
    assert search_articles("workspaces")[0].title == "Archive old workspaces"
    db.session.delete(db.session.get(KbArticle, article.id))
    db.session.commit()
    assert search_articles("workspaces") == []


def test_only_tier_two_agents_and_admins_write(now):
    with pytest.raises(NotAllowed):
        save_article(make_agent(tier=1), title="x", body="y", category_id=None, now=now)
    with pytest.raises(NotAllowed):
        save_article(make_customer().user, title="x", body="y", category_id=None, now=now)
    assert save_article(make_admin(), title="x", body="y", category_id=None, now=now).slug == "x"
    with pytest.raises(InvalidInput, match="no text"):
        save_article(make_admin(), title="x", body=" ", category_id=None, now=now)


def test_votes_are_one_per_person_and_changeable(corpus, now):
    article = published_article("reset-your-password")
    reader = make_customer().user
    vote(reader, article.id, True, now=now)
    vote(reader, article.id, True, now=now)
    vote(make_customer().user, article.id, False, now=now)
    vote(reader, article.id, False, now=now)
    db.session.refresh(article)
    assert (article.helpful_count, article.not_helpful_count) == (0, 2)
    with pytest.raises(NotFound):
        published_article("draft-about-passwords")


def test_searches_are_logged_for_the_gap_report(corpus, now):
    search_and_log("saml login", now=now)
    search_and_log("quantum flux", now=now)
    logged = {s.query: s.results for s in db.session.scalars(select(KbSearch))}
    assert logged["quantum flux"] == 0 and logged["saml login"] >= 1


def test_categories_are_admin_only_and_unique(now):
    admin = make_admin()
    save_category(admin, name="Billing", self_service=True, now=now)
    with pytest.raises(InvalidInput, match="exists already"):
        save_category(admin, name="billing", self_service=False, now=now)
    with pytest.raises(NotAllowed):
        save_category(make_agent(tier=4), name="Other", self_service=False, now=now)


def test_a_category_switches_self_service_on_and_off():
    admin = make_admin()
    category = save_category(admin, name="Billing", self_service=False)
    assert toggle_category_self_service(admin, category.id).self_service is True
    assert toggle_category_self_service(admin, category.id).self_service is False
    with pytest.raises(InvalidInput, match="No such category"):
        toggle_category_self_service(admin, category.id + 1000)
    with pytest.raises(NotAllowed):
        toggle_category_self_service(make_agent(tier=3), category.id)


def test_categories_are_listed_by_name_and_readers_see_only_published_articles(now):
    admin = make_admin()
    for name in ("Security", "Billing", "Accounts"):
        save_category(admin, name=name, self_service=False)
    writer = make_agent(tier=2)
    for minutes, (title, published) in enumerate([("Old", True), ("Draft", False), ("New", True)]):
        save_article(
            writer,
            title=title,
            body="text",
            category_id=None,
            published=published,
            now=now + timedelta(minutes=minutes),
        )
    assert [c.name for c in list_categories()] == ["Accounts", "Billing", "Security"]
    assert [a.title for a in latest_articles(limit=10)] == ["New", "Draft", "Old"]
    assert [a.title for a in latest_articles(limit=10, published_only=True)] == ["New", "Old"]
    assert [a.title for a in latest_articles(limit=1, published_only=True)] == ["New"]
