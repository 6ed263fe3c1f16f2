"""Tier 0 from the customer's side: suggestions, deflection, self-service answers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.domain.sla import Targets
from app.domain.vocabulary import ReasonCode, Status
from app.extensions import db
from app.models import Activity, KbImpression, Message, Notification, Ticket, TicketArticle, TierChange
from app.services.kb.articles import save_article, save_category
from app.services.mail.compose import render_notification
from app.services.sla.setup import save_calendar, save_policy
from app.services.sweep.sweep import sweep_sla
from app.services.tickets.opening import open_ticket
from tests.factories import make_admin, make_agent, make_customer


def articles(self_service: bool = False):
    admin = make_admin()
    category = save_category(admin, name="Accounts", self_service=self_service)
    reset = save_article(
        admin,
        title="Reset your password",
        tags="password sign-in",
        body="Choose *Forgot password* on the sign-in page.",
        category_id=category.id,
        published=True,
    )
    save_article(
        admin, title="Export invoices", body="Billing, then Export.", category_id=None, published=True
    )
    return reset


def ticket_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket))


def test_suggestions_while_typing_come_as_json(client):
    articles()
    data = client.get("/kb/suggest?q=forgot my passw").get_json()
    assert data["articles"][0]["title"] == "Reset your password"
    assert "<mark>" in data["articles"][0]["snippet"]
    assert client.get("/kb/suggest?q=a").get_json() == {"articles": []}


def impressions() -> list[tuple[int, int | None]]:
    rows = db.session.execute(
        select(KbImpression.article_id, KbImpression.customer_id).order_by(KbImpression.id)
    )
    return [tuple(r) for r in rows]


def test_a_suggestion_shown_counts_once_per_request_form(client, login_as):
    reset = articles()
    customer = make_customer()
    login_as(customer.user)
    first = client.get("/kb/suggest?q=forgot my passw&seen=").get_json()["articles"]
    shown = ",".join(str(a["id"]) for a in first)
    assert str(reset.id) in shown.split(",")
    assert impressions() == [(a["id"], customer.id) for a in first]
    # The same form looks again as the customer types on: what it showed already is not counted.
    client.get(f"/kb/suggest?q=forgot my password&seen={shown}")
    assert len(impressions()) == len(first)
    # A new form (nothing shown yet) counts it again; a seen list of nonsense is ignored.
    client.get("/kb/suggest?q=forgot my password&seen=x,²,-1")
    assert len(impressions()) == 2 * len(first)


def test_the_form_without_scripts_counts_what_it_showed(client, login_as):
    articles()
    login_as(make_customer().user)
    form = {"subject": "I forgot my password", "description": "cannot sign in", "category": "account"}
    client.post("/portal/new", data={**form, "urgency": "normal", "intent": "suggest"})
    counted = len(impressions())
    assert counted >= 1
    client.post("/portal/new", data={**form, "urgency": "normal", "intent": "suggest", "seen": ""})
    assert len(impressions()) == 2 * counted
    seen = ",".join(str(article_id) for article_id, _ in impressions()[:counted])
    client.post("/portal/new", data={**form, "urgency": "normal", "intent": "suggest", "seen": seen})
    assert len(impressions()) == 2 * counted  # asked again on the same form: nothing new shown


def test_without_scripts_the_form_shows_suggestions_and_deflects(client, login_as):
    reset = articles()
    customer = make_customer()
    login_as(customer.user)
    page = client.post(
        "/portal/new",
        data={
            "subject": "I forgot my password",
            "description": "cannot sign in",
            "category": "account",
            "urgency": "normal",
            "intent": "suggest",
        },
    ).get_data(as_text=True)
    assert "Reset your password" in page and "I still need help" in page
    assert ticket_count() == 0
    response = client.post(
        "/portal/deflect",
        data={"article_id": str(reset.id), "subject": "I forgot my password", "category": "account"},
    )
    assert response.status_code == 302
    assert ticket_count() == 0
    event = db.session.scalars(select(Activity)).one()
    assert event.kind == "kb_deflected" and event.customer_id == customer.id
    assert event.data["category"] == "account"


def test_still_needing_help_attaches_the_articles_seen(client, login_as):
    reset = articles()
    login_as(make_customer().user)
    client.post(
        "/portal/new",
        data={
            "subject": "Password trouble",
            "description": "the reset mail never comes",
            "category": "account",
            "urgency": "normal",
            "seen": f"{reset.id},999999",
            "intent": "send",
        },
    )
    ticket = db.session.scalars(select(Ticket)).one()
    seen = db.session.scalars(select(TicketArticle)).all()
    assert [(s.article_id, s.kind) for s in seen] == [(reset.id, "seen")]
    assert ticket.tier == 1


def test_a_self_service_article_seen_before_asking_is_not_sent_back(client, login_as):
    reset = articles(self_service=True)
    login_as(make_customer().user)
    response = client.post(
        "/portal/new",
        data={
            "subject": "Forgot password",
            "description": "the reset mail never comes",
            "category": "account",
            "urgency": "normal",
            "seen": str(reset.id),
            "intent": "send",
        },
    )
    assert response.status_code == 302
    ticket = db.session.scalars(select(Ticket)).one()
    seen = db.session.scalars(select(TicketArticle)).all()
    assert [(s.article_id, s.kind) for s in seen] == [(reset.id, "seen")]
    assert ticket.tier == 1 and not db.session.scalars(select(Message)).all()


def test_a_self_service_category_answers_at_tier_zero_and_the_customer_decides(client, login_as):
    reset = articles(self_service=True)
    customer = make_customer()
    login_as(customer.user)
    client.post(
        "/portal/new",
        data={
            "subject": "Forgot password",
            "description": "I cannot sign in since this morning.",
            "category": "account",
            "urgency": "normal",
        },
    )
    ticket = db.session.scalars(select(Ticket)).one()
    assert ticket.tier == 0
    first = db.session.scalars(select(Message).where(Message.ticket_id == ticket.id)).one()
    assert first.author_kind.value == "system" and "Reset your password" in first.body
    page = client.get(f"/portal/tickets/{ticket.id}").get_data(as_text=True)
    assert "Did the article answer your question?" in page and "Automatic message" in page
    assert f'<a href="/kb/{reset.slug}">' in page  # the article link is a link
    mail = db.session.scalars(select(Notification).where(Notification.kind == "received")).one()
    assert mail.data["article_url"].endswith(f"/kb/{reset.slug}")
    assert f"/kb/{reset.slug}" in render_notification(mail)[1]
    client.post(f"/portal/tickets/{ticket.id}/self-service", data={"solved": "yes"})
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status is Status.solved
    assert "kb_deflected" in db.session.scalars(select(Activity.kind)).all()
    assert reset.id in db.session.scalars(select(TicketArticle.article_id)).all()


def test_not_helped_moves_it_to_tier_one(client, login_as):
    articles(self_service=True)
    customer = make_customer()
    ticket = open_ticket(customer.user, subject="Forgot password", description="I cannot sign in today.")
    assert ticket.tier == 0
    login_as(customer.user)
    client.post(f"/portal/tickets/{ticket.id}/self-service", data={"solved": "no"})
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).tier == 1
    assert client.post(f"/portal/tickets/{ticket.id}/self-service", data={"solved": "no"}).status_code == 400


def test_an_unconfirmed_tier_zero_answer_is_raised_by_the_sweep(now):
    admin = make_admin()
    always = save_calendar(admin, name="24x7", timezone="UTC", weekly_hours={}, always_open=True)
    save_policy(
        admin,
        name="Standard",
        calendar_id=always.id,
        is_default=True,
        targets=Targets(600, 600, 6000, (30, 600, 600, 600, 600)),
        now=now,
    )
    articles(self_service=True)
    ticket = open_ticket(
        make_customer().user, subject="Forgot password", description="I cannot sign in today.", now=now
    )
    assert ticket.tier == 0
    assert sweep_sla(now + timedelta(minutes=31)).raised == 1
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).tier == 1


def test_staff_cannot_deflect_and_message_text_is_never_html(client, login_as):
    reset = articles()
    login_as(make_agent(tier=2))
    assert client.post("/portal/deflect", data={"article_id": str(reset.id)}).status_code == 302
    customer = make_customer()
    ticket = open_ticket(
        customer.user, subject="<script>alert(1)</script>", description='<img src=x onerror="alert(1)">'
    )
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_a_stop_word_alone_never_sends_an_article():
    """'Cannot export invoices' shares only stop words with 'Reset your password': no answer."""
    articles(self_service=True)
    ticket = open_ticket(
        make_customer().user,
        subject="Cannot export invoices",
        description="The export of your invoices fails.",
    )
    assert ticket.tier == 1
    assert db.session.scalars(select(Message).where(Message.ticket_id == ticket.id)).all() == []


def test_the_desk_shows_how_sure_the_automatic_answer_was(client, login_as):
    articles(self_service=True)
    ticket = open_ticket(
        make_customer().user, subject="Forgot password", description="I cannot sign in today."
    )
    assert ticket.tier == 0
    login_as(make_agent(tier=1))
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "Answered automatically by “Reset your password”, confidence 0.67 ≥ 0.60" in page


def test_the_threshold_is_a_setting(app):
    articles(self_service=True)
    app.config["SELF_SERVICE_CONFIDENCE"] = 0.9
    try:
        ticket = open_ticket(make_customer().user, subject="Forgot password", description="I cannot sign in.")
    finally:
        app.config["SELF_SERVICE_CONFIDENCE"] = 0.6
    assert ticket.tier == 1


def test_a_customer_reply_to_the_automatic_answer_brings_a_person(client, login_as):
    articles(self_service=True)
    customer = make_customer()
    ticket = open_ticket(customer.user, subject="Forgot password", description="I cannot sign in today.")
    assert ticket.tier == 0
    login_as(customer.user)
    response = client.post(f"/portal/tickets/{ticket.id}/reply", data={"body": "That did not help, sorry."})
    assert response.status_code == 302
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.tier == 1
    move = db.session.scalars(select(TierChange).order_by(TierChange.id.desc())).first()
    assert (move.from_tier, move.to_tier, move.reason_code) == (0, 1, ReasonCode.customer_request)
    assert move.reason == "The customer replied to the automatic answer"
    page = client.get(f"/portal/tickets/{ticket.id}").get_data(as_text=True)
    assert "We&#39;re on it" in page and "Did the article answer" not in page


def test_a_description_needs_a_few_words_and_keeps_what_was_typed(client, login_as):
    login_as(make_customer().user)
    response = client.post(
        "/portal/new",
        data={"subject": "Printer", "description": "Broken", "category": "general", "urgency": "normal"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "at least 3 words and 15 characters" in page and "\nBroken</textarea>" in page
    assert ticket_count() == 0
