"""Customers rating a solved request (CSAT): one answer per ticket, changeable for a week."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.domain.access import is_requester
from app.domain.errors import InvalidInput, NotAllowed
from app.domain.escalation import Trigger
from app.domain.vocabulary import ActivityKind, Status
from app.domain.webhooks import WebhookEvent
from app.extensions import db
from app.models import CsatAnswer, Ticket, User
from app.models.types import utcnow
from app.services.common.access import ticket_for
from app.services.common.history import record
from app.services.common.transaction import transaction
from app.services.routing.ticket_change import TicketChange, finish_change
from app.services.rules.engine import fire_trigger
from app.services.webhooks.events import emit

CHANGEABLE_FOR = timedelta(days=7)
COMMENT_MAX_LENGTH = 2000
RATABLE = (Status.solved, Status.closed)


def answer_for(ticket: Ticket) -> CsatAnswer | None:
    return db.session.scalars(select(CsatAnswer).where(CsatAnswer.ticket_id == ticket.id)).first()


def can_change(answer: CsatAnswer | None, now: datetime) -> bool:
    return answer is None or now - answer.created_at <= CHANGEABLE_FOR


def rate_ticket(
    actor: User,
    ticket_id: int,
    rating: int | str | None,
    comment: str | None = "",
    *,
    now: datetime | None = None,
) -> CsatAnswer:
    """The ticket's own customer rates it 1–5 once it is solved; the answer enters the history
    and fires the csat_received rules."""
    now = now or utcnow()
    try:
        score = int(str(rating))
    except ValueError:
        score = 0
    if not 1 <= score <= 5:
        raise InvalidInput("Choose a rating from 1 (very unhappy) to 5 (very happy).", "rating")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise InvalidInput(f"Keep the comment under {COMMENT_MAX_LENGTH} characters.", "comment")
    with transaction():
        ticket = ticket_for(actor, ticket_id)
        if actor.is_staff:
            raise NotAllowed("Only the customer can rate their request.")
        if not is_requester(actor.as_actor(), ticket.facts()):
            raise NotAllowed("Only the person who asked can rate this request.")
        if ticket.status not in RATABLE:
            raise InvalidInput("You can rate a request once it is solved.", field="rating")
        answer = answer_for(ticket)
        if not can_change(answer, now):
            raise InvalidInput("Ratings can be changed for 7 days; this one is final.", "rating")
        if answer is None:
            answer = CsatAnswer(ticket_id=ticket.id, customer_id=ticket.customer_id, created_at=now)
            db.session.add(answer)
        answer.rating, answer.comment, answer.updated_at = score, comment, now
        record(
            ActivityKind.csat_received,
            f"{ticket.customer.name} rated {ticket.reference} {score}/5"
            + (f": “{comment[:200]}”" if comment else ""),
            now=now,
            actor=actor,
            ticket=ticket,
            data={"rating": score},
        )
        change = TicketChange(ticket, now, rank_health=True)  # ratings are part of health
        fire_trigger(change, Trigger.csat_received)
        finish_change(change)
        emit(WebhookEvent.csat_received, ticket, now, {"rating": score, "comment": comment})
    return answer
