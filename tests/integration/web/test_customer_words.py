"""Customers read plain words: no page or mail of theirs in the demo data shows a tier, a raw
status or other value of the desk, or the desk's own words."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.domain.kb_vocabulary import ArticleStatus
from app.domain.vocabulary import (
    ActivityKind,
    ReasonCode,
    Role,
    Status,
    TierChangeCause,
)
from app.extensions import db
from app.models import KbArticle, Notification, Ticket, User
from app.services.mail.compose import render_notification
from tests.factories import PASSWORD

_RAW_VALUES = sorted(
    {v.value for enum in (Status, ReasonCode, ActivityKind, TierChangeCause) for v in enum if "_" in v.value}
    | {"pending_vendor"}
)
INTERNAL = re.compile(
    r"\bTier\b|\btier\s*\d|\bT[0-4]\b|Self-service|Frontline|\bExpert\b|External vendor|"
    r"\bsweep|escalat|\bSLA\b|" + "|".join(rf"\b{re.escape(v)}\b" for v in _RAW_VALUES),
    re.IGNORECASE,
)
TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.DOTALL)


def visible_text(html: str) -> str:
    """What a reader sees: the markup, scripts and the product's name left out. Agents' names
    stay in: customers read them on replies, so a name must not hint at a tier either."""
    return TAGS.sub(" ", html).replace("Tierdesk", "")


def internal_words(text: str) -> list[str]:
    return sorted({m.group(0) for m in INTERNAL.finditer(visible_text(text))})


def test_the_checker_catches_what_it_is_for():
    assert internal_words("<p>Tier 3 · Expert</p>") == ["Expert", "Tier"]
    assert internal_words("status: on_hold, waiting for the sweep") == ["on_hold", "sweep"]
    assert internal_words("We escalated it") == ["escalat"]
    assert internal_words("<title>Tierdesk</title><p>We're on it</p>") == []


def _customer_users() -> list[User]:
    users = list(db.session.scalars(select(User).where(User.role == Role.customer, User.active.is_(True))))
    for user in users:  # every demo customer signs in with the test password
        user.password_hash = generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")
    db.session.commit()
    return [u for u in users if u.customer is not None]


@pytest.mark.usefixtures("demo")
def test_no_customer_page_of_the_demo_shows_desk_words(app):
    users = _customer_users()
    articles = db.session.scalars(
        select(KbArticle.slug).where(KbArticle.status == ArticleStatus.published)
    ).all()
    assert users and articles
    problems: dict[str, list[str]] = {}
    seen_tickets = 0
    for user in users:
        client = app.test_client()
        assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        ticket_ids = db.session.scalars(select(Ticket.id).where(Ticket.customer_id == user.customer.id)).all()
        paths = [
            "/portal/",
            "/portal/?scope=org",
            "/portal/profile",
            "/portal/new",
            "/portal/search?q=invoice",
        ]
        paths += [f"/portal/tickets/{i}" for i in ticket_ids]
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                continue  # e.g. the organization view for someone who is not its admin
            found = internal_words(response.get_data(as_text=True))
            if found:
                problems[f"{user.email} {path}"] = found
        seen_tickets += len(ticket_ids)
    client = app.test_client()
    for slug in ["", *articles]:
        found = internal_words(client.get(f"/kb/{slug}").get_data(as_text=True))
        if found:
            problems[f"/kb/{slug}"] = found
    assert seen_tickets > 10
    assert not problems, problems


@pytest.mark.usefixtures("demo")
def test_no_mail_to_a_customer_in_the_demo_shows_desk_words():
    mails = list(db.session.scalars(select(Notification).where(Notification.recipient_kind == "customer")))
    assert len({m.kind for m in mails}) >= 3
    problems = {}
    for mail in mails:
        text, html = render_notification(mail)
        found = internal_words(f"{mail.subject}\n{text}\n{html}")
        if found:
            problems[f"{mail.id} {mail.kind} {mail.subject}"] = found
    assert not problems, problems


@pytest.mark.usefixtures("demo")
def test_no_demo_agent_is_named_after_a_tier():
    names = list(db.session.scalars(select(User.name).where(User.role != Role.customer)))
    assert len(names) >= 5
    assert {name: internal_words(name) for name in names if internal_words(name)} == {}
    assert not any(re.search(r"admin|vendor|technical|desk", name, re.IGNORECASE) for name in names), names
