"""Demo knowledge base: a few categories and articles the portal can suggest."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from app.models import Customer, User
from app.services.kb.articles import save_article, save_category, vote
from app.services.kb.impressions import record_impressions
from app.services.tickets.self_service import record_deflection

CATEGORIES = (
    ("Accounts and sign-in", True),
    ("Billing", False),
    ("Integrations", False),
    ("Using the product", False),
)

ARTICLES = (
    (
        "Accounts and sign-in",
        "Reset your password",
        "password reset forgot sign-in login",
        "## When you forgot it\n\n1. Open the sign-in page.\n2. Choose **Forgot password**.\n"
        "3. Follow the link we email you within an hour.\n\nThe link works once.",
    ),
    (
        "Accounts and sign-in",
        "Set up single sign-on (SSO)",
        "sso saml okta azure",
        "Ask your identity provider for the **SAML metadata** and upload it under "
        "*Settings → Security*. Test with a second browser before you switch everyone.",
    ),
    (
        "Accounts and sign-in",
        "Two-factor codes are rejected",
        "2fa two-factor code totp",
        "Codes depend on your phone's clock. Turn on automatic time, then try a fresh code.",
    ),
    (
        "Billing",
        "Export invoices to CSV",
        "invoice export csv billing",
        "Go to *Billing*, pick a month and press **Export**. Large exports arrive by email.",
    ),
    (
        "Billing",
        "Change your VAT number",
        "vat tax invoice",
        "Admins change the VAT number under *Billing → Company*. New invoices use it at once.",
    ),
    (
        "Integrations",
        "Webhooks fail with 502",
        "webhook 502 integration api",
        "A 502 means your endpoint did not answer within five seconds. Reply first, work later.",
    ),
    (
        "Integrations",
        "API returns 429 too many requests",
        "api rate limit 429",
        "Each token may make 600 requests a minute. Back off and retry after the `Retry-After` time.",
    ),
    (
        "Using the product",
        "Archive old projects",
        "archive projects",
        "Archived projects keep their data but no longer count towards your plan.",
    ),
)


# The request category a customer picks for each article's kind of question.
ASKED_AS = {
    "Accounts and sign-in": "account",
    "Billing": "billing",
    "Integrations": "integration",
    "Using the product": "general",
}
REQUEST_FORMS = 90  # request forms opened over the history that showed suggestions


def seed_knowledge_base(admin: User, writer: User, now: datetime) -> list[int]:
    """The categories and articles, written at `now`; returns the articles' ids in order."""
    categories = {
        name: save_category(admin, name=name, self_service=self_service, now=now)
        for name, self_service in CATEGORIES
    }
    return [
        save_article(
            writer,
            title=title,
            body=body,
            tags=tags,
            category_id=categories[category].id,
            published=True,
            now=now,
        ).id
        for category, title, tags, body in ARTICLES
    ]


def seed_self_service(
    customers: list[Customer], article_ids: list[int], rng: random.Random, since: datetime, now: datetime
) -> None:
    """What customers did with the articles before asking: the suggestions each request form
    showed, the questions an article answered ("This answered my question"), and their votes."""
    span = (now - since).total_seconds()
    for _ in range(REQUEST_FORMS):
        customer = rng.choice(customers)
        user = customer.user
        if user is None:
            continue
        at = since + timedelta(seconds=rng.uniform(0, span))
        shown = rng.sample(range(len(article_ids)), rng.randint(1, 3))
        record_impressions([article_ids[i] for i in shown], customer_id=customer.id, now=at)
        first = shown[0]
        category, title = ARTICLES[first][0], ARTICLES[first][1]
        if rng.random() < 0.3:
            later = at + timedelta(minutes=rng.uniform(1, 6))
            record_deflection(user, article_ids[first], subject=title, category=ASKED_AS[category], now=later)
        if rng.random() < 0.45:
            vote(user, article_ids[first], rng.random() < 0.75, now=at + timedelta(minutes=2))
