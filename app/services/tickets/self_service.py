"""Tier 0: what the knowledge base answers without a person.

A deflection is a question an article answered before any ticket existed; it goes into the
customer's history. A request in a self-service category that an article matches starts at
tier 0 with the article as its first reply; the customer confirms, or it moves to tier 1 (when
they say so, or when the tier-0 time runs out and the SLA sweep raises it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.kb_vocabulary import ArticleStatus
from app.domain.vocabulary import (
    ActivityKind,
    AuthorKind,
    Category,
    ReasonCode,
    Status,
    TierChangeCause,
)
from app.extensions import db
from app.models import KbArticle, KbCategory, Message, Ticket, TicketArticle, User
from app.models.types import utcnow
from app.services.common.access import ticket_for
from app.services.common.history import record
from app.services.common.row_batch import RowBatch, add_row
from app.services.common.rows import find_row
from app.services.common.setup_cache import KB, cached_setup
from app.services.common.transaction import transaction
from app.services.kb.matching import Answer, best_answer
from app.services.routing.ticket_change import TicketChange, finish_change
from app.services.routing.tier_moves import apply_tier_move
from app.services.tickets.status import apply_status

SELF_SERVICE_RULE = "Self-service answer"
MAX_SEEN = 10


def record_deflection(
    actor: User, article_id: int, *, subject: str = "", category: str = "", now: datetime | None = None
) -> None:
    """'This answered my question': a tier-0 resolution in the customer's history, no ticket."""
    now = now or utcnow()
    if actor.is_staff or actor.customer is None:
        raise NotAllowed("Only customers answer their own questions here.")
    article = find_row(KbArticle, article_id)
    if article is None or article.status is not ArticleStatus.published:
        raise NotFound("No such article.")
    category_value = category if category in {c.value for c in Category} else None
    with transaction():
        record(
            ActivityKind.kb_deflected,
            f"{actor.name} found the answer in “{article.title}” without opening a request",
            now=now,
            actor=actor,
            customer_id=actor.customer.id,
            organization_id=actor.customer.organization_id,
            data={
                "article_id": article.id,
                "category": category_value,
                "subject": " ".join((subject or "").split())[:200],
            },
        )


def attach_seen(
    ticket: Ticket, article_ids: Iterable[int], now: datetime, rows: RowBatch | None = None
) -> int:
    """Remember the articles the customer read before asking (inside the caller's transaction;
    with `rows`, as rows of the caller's INSERT)."""
    ids = list(dict.fromkeys(int(i) for i in article_ids))[:MAX_SEEN]
    if not ids:
        return 0
    found = db.session.scalars(
        select(KbArticle.id).where(KbArticle.id.in_(ids), KbArticle.status == ArticleStatus.published)
    ).all()
    for article_id in found:
        values = {"ticket_id": ticket.id, "article_id": article_id, "kind": "seen", "created_at": now}
        add_row(TicketArticle, values, rows)
    return len(found)


def ticket_articles(ticket: Ticket) -> list[TicketArticle]:
    """The articles the customer saw before asking and those sent to them, oldest first."""
    return list(
        db.session.scalars(
            select(TicketArticle)
            .where(TicketArticle.ticket_id == ticket.id)
            .options(joinedload(TicketArticle.article))
            .order_by(TicketArticle.created_at)
        )
    )


def answer_automatically(change: TicketChange) -> Answer | None:
    """Start the opening ticket at tier 0 with the best self-service article as first reply, if
    one is sure enough (see services.kb.matching). An article the customer was shown before
    asking, and asked anyway, is not sent back."""
    ticket, now = change.ticket, change.now
    if ticket.tier != 1:
        return None  # a rule has routed it already
    categories = self_service_categories()
    if not categories:
        return None
    seen: set[int] = set()
    if not change.opening:  # an opening ticket has nothing stored yet
        seen.update(
            db.session.scalars(select(TicketArticle.article_id).where(TicketArticle.ticket_id == ticket.id))
        )
    # Those remembered in this transaction too (an opening ticket flushes nothing before its end).
    seen.update(
        row.article_id
        for row in db.session.new
        if isinstance(row, TicketArticle) and row.ticket_id == ticket.id
    )
    if change.rows is not None:
        seen.update(
            row["article_id"] for row in change.rows.of(TicketArticle) if row["ticket_id"] == ticket.id
        )
    answer = best_answer(f"{ticket.subject} {ticket.description}", categories, exclude=seen)
    if answer is None:
        return None
    article = answer.article
    link = f"/kb/{article.slug}"  # a path: this also runs outside requests (imports, CLI)
    db.session.add(
        Message(
            ticket_id=ticket.id,
            author_kind=AuthorKind.system,
            created_at=now,
            body=f"This article may answer your question: “{article.title}” ({link}).\n\n"
            "If it solved your problem, tell us with “This solved it”. If not, choose "
            "“I still need help” or reply, and a person will take over.",
        )
    )
    sent = {"ticket_id": ticket.id, "article_id": article.id, "kind": "sent", "created_at": now}
    add_row(TicketArticle, sent, change.rows)
    apply_tier_move(
        change,
        to_tier=0,
        cause=TierChangeCause.rule,
        reason=f"Answered automatically by “{article.title}”, {answer.summary()}",
        rule_name=SELF_SERVICE_RULE,
    )
    return answer


def self_service_categories() -> list[int]:
    """The ids of the categories that answer requests by themselves: this process's copy,
    current with every category edit (see common.setup_cache)."""
    return list(cached_setup(KB, _load_self_service_categories))


def _load_self_service_categories() -> tuple[int, ...]:
    query = select(KbCategory.id).where(KbCategory.self_service.is_(True)).order_by(KbCategory.id)
    return tuple(db.session.scalars(query))


def hand_to_a_person(change: TicketChange, actor: User, reason: str) -> None:
    """A tier-0 request the customer still needs help with goes to tier 1, into its queue
    (inside the caller's transaction)."""
    apply_tier_move(
        change,
        to_tier=1,
        cause=TierChangeCause.manual,
        actor=actor,
        reason=reason,
        reason_code=ReasonCode.customer_request,
    )
    change.enter_queue(actor=actor)


def confirm_self_service(actor: User, ticket_id: int, solved: bool, *, now: datetime | None = None) -> Ticket:
    """The customer says whether the tier-0 answer solved it: solved, or up to tier 1."""
    now = now or utcnow()
    with transaction():
        ticket = ticket_for(actor, ticket_id)
        if actor.is_staff:
            raise NotAllowed("The customer confirms a self-service answer.")
        if ticket.tier != 0 or ticket.status in (Status.solved, Status.closed):
            raise InvalidInput("This request is already with our team.", field="status")
        change = TicketChange(ticket, now)
        if solved:
            apply_status(change, actor, Status.solved)
            record(
                ActivityKind.kb_deflected,
                f"{ticket.reference} was answered by the knowledge base (tier 0)",
                now=now,
                actor=actor,
                ticket=ticket,
                data={"category": ticket.category.value, "ticket": ticket.reference},
            )
        else:
            hand_to_a_person(change, actor, "The customer said the article did not help")
        finish_change(change)
    return ticket
