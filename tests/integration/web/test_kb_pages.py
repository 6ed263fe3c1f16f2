"""Knowledge-base pages: readers, writers, categories and the gap report."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.vocabulary import Category
from app.extensions import db
from app.models import KbArticle, KbCategory
from app.services.kb.articles import save_article
from app.services.tickets.changes import change_tier
from tests.factories import make_admin, make_agent, make_customer, make_ticket


def test_anyone_reads_published_articles_and_searches(client):
    writer = make_agent(tier=2)
    save_article(
        writer, title="Reset your password", body="Use **Forgot password**.", category_id=None, published=True
    )
    save_article(writer, title="Secret draft", body="not yet", category_id=None)
    page = client.get("/kb/?q=password").get_data(as_text=True)
    assert "Reset your password" in page and "Secret draft" not in page
    article = client.get("/kb/reset-your-password").get_data(as_text=True)
    assert "<strong>Forgot password</strong>" in article
    assert client.get("/kb/secret-draft").status_code == 404


def test_signed_in_readers_vote(client, login_as):
    save_article(make_agent(tier=2), title="Export", body="x", category_id=None, published=True)
    login_as(make_customer().user)
    assert client.post("/kb/export/vote", data={"helpful": "yes"}).status_code == 302
    assert db.session.scalars(select(KbArticle.helpful_count)).one() == 1
    assert client.post("/kb/export/vote", data={"helpful": "maybe"}).status_code == 400


def test_tier_two_agents_write_and_tier_one_agents_read(client, login_as):
    login_as(make_agent(tier=1))
    assert client.get("/desk/kb/").status_code == 200
    assert client.get("/desk/kb/new").status_code == 403
    client.post("/auth/logout")
    login_as(make_agent(tier=2))
    response = client.post(
        "/desk/kb/new",
        data={
            "title": "Webhooks fail",
            "category": "",
            "tags": "webhook 502",
            "body": "<script>alert(1)</script> Reply **quickly**.",
            "published": "y",
        },
    )
    assert response.status_code == 302
    article = db.session.scalars(select(KbArticle)).one()
    assert "<script>" not in article.body_html and "<strong>quickly</strong>" in article.body_html
    assert client.post("/desk/kb/new", data={"title": "", "body": "x"}).status_code == 400


def test_customers_cannot_reach_the_desk_editor(client, login_as):
    login_as(make_customer().user)
    assert client.get("/desk/kb/").status_code == 403


def test_admins_mark_self_service_categories(client, login_as):
    login_as(make_admin())
    assert client.post("/desk/kb/categories", data={"name": "Accounts"}).status_code == 302
    category = db.session.scalars(select(KbCategory)).one()
    assert not category.self_service
    client.post(f"/desk/kb/categories/{category.id}/self-service")
    db.session.expire_all()
    assert db.session.get(KbCategory, category.id).self_service
    assert client.post("/desk/kb/categories", data={"name": "accounts"}).status_code == 400


def test_the_gap_report_lists_escalations_no_article_answers(client, login_as, now):
    writer = make_agent(tier=2)
    save_article(
        writer, title="Export invoices", body="Billing, then Export.", category_id=None, published=True
    )
    covered = make_ticket(subject="Export invoices fails", category=Category.billing)
    gap = make_ticket(subject="Quantum flux capacitor", category=Category.technical)
    for ticket in (covered, gap):
        change_tier(writer, ticket.id, 2, "needs a specialist", reason_code="needs_expertise")
    client.get("/kb/?q=teleporter")
    login_as(make_agent(tier=1))
    page = client.get("/desk/kb/gaps").get_data(as_text=True)
    assert "quantum flux capacitor" in page and "export invoices fails" not in page
    assert "teleporter" in page
