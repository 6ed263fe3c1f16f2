"""Facts of the knowledge base: suggestions shown before asking, articles seen or sent with a
ticket, and helpful votes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import KbImpression, KbVote, TicketArticle
from app.services.reports.fact_shape import NO_DIMS, Fact, dim_columns, dims_of, with_dims


def kb_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    seen = with_dims(
        select(
            TicketArticle.ticket_id,
            TicketArticle.created_at,
            TicketArticle.kind,
            TicketArticle.article_id,
            *dim_columns(),
        ),
        TicketArticle.ticket_id,
    ).where(TicketArticle.created_at >= start, TicketArticle.created_at < end)
    for row in db.session.connection().execute(seen):
        ticket_id, at, kind, article_id = row[:4]
        metric = "kb_sent" if kind == "sent" else "kb_seen"
        yield Fact(metric, at, ticket_id, 0, str(article_id), dims_of(row, 4))
    votes = select(KbVote.created_at, KbVote.helpful).where(
        KbVote.created_at >= start, KbVote.created_at < end
    )
    for at, helpful in db.session.connection().execute(votes):
        yield Fact("kb_vote", at, None, 0, "helpful" if helpful else "not_helpful", NO_DIMS)
    shown = select(KbImpression.created_at, KbImpression.article_id).where(
        KbImpression.created_at >= start, KbImpression.created_at < end
    )
    for at, article_id in db.session.connection().execute(shown):
        yield Fact("kb_shown", at, None, 0, str(article_id), NO_DIMS)
