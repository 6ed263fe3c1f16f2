"""Demo knowledge base: a few categories and articles the portal can suggest."""

from __future__ import annotations

from datetime import datetime

from app.models import User
from app.services.kb.articles import save_article, save_category

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


def seed_knowledge_base(admin: User, writer: User, now: datetime) -> int:
    categories = {
        name: save_category(admin, name=name, self_service=self_service, now=now)
        for name, self_service in CATEGORIES
    }
    for category, title, tags, body in ARTICLES:
        save_article(
            writer,
            title=title,
            body=body,
            tags=tags,
            category_id=categories[category].id,
            published=True,
            now=now,
        )
    return len(ARTICLES)
