"""What a ticket page shows, filtered for who is looking."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.domain.access import can_see_internal_notes, can_work_ticket
from app.domain.vocabulary import Role
from app.extensions import db
from app.models import Activity, Message, Team, Ticket, TicketTag, TierChange, User
from app.services.common.access import ticket_for

RECENT_TICKETS = 10
TIMELINE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class TicketPage:
    ticket: Ticket
    messages: list[Message]
    can_work: bool
    tier_changes: list[TierChange]
    timeline: list[Activity]
    recent_tickets: list[Ticket]


def ticket_page(actor: User, ticket_id: int) -> TicketPage:
    """The ticket with what this person may read: customers never get internal notes."""
    ticket = ticket_for(actor, ticket_id)
    staff = can_see_internal_notes(actor.as_actor())
    messages_query = (
        select(Message)
        .where(Message.ticket_id == ticket.id)
        .options(joinedload(Message.author))
        .order_by(Message.created_at, Message.id)
    )
    if not staff:
        messages_query = messages_query.where(Message.internal.is_(False))
    messages = list(db.session.scalars(messages_query))
    if not staff:
        return TicketPage(ticket, messages, False, [], [], [])
    tier_changes = list(
        db.session.scalars(
            select(TierChange)
            .where(TierChange.ticket_id == ticket.id)
            .options(joinedload(TierChange.actor))
            .order_by(TierChange.created_at, TierChange.id)
        )
    )
    timeline = list(
        db.session.scalars(
            select(Activity)
            .where(Activity.ticket_id == ticket.id)
            .order_by(Activity.created_at.desc(), Activity.id.desc())
            .limit(TIMELINE_LIMIT)
        )
    )
    recent = list(
        db.session.scalars(
            select(Ticket)
            .where(Ticket.customer_id == ticket.customer_id, Ticket.id != ticket.id)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .limit(RECENT_TICKETS)
        )
    )
    return TicketPage(
        ticket=ticket,
        messages=messages,
        can_work=can_work_ticket(actor.as_actor(), ticket.facts()),
        tier_changes=tier_changes,
        timeline=timeline,
        recent_tickets=recent,
    )


def assignable_agents(ticket: Ticket) -> list[User]:
    """Active staff who work the ticket's tier, for the assign form."""
    agents = db.session.scalars(
        select(User).where(User.role.in_((Role.agent, Role.admin)), User.active.is_(True)).order_by(User.name)
    )
    return [a for a in agents if a.as_actor().working_tier >= ticket.tier]


def all_teams() -> list[Team]:
    return list(db.session.scalars(select(Team).order_by(Team.tier, Team.name)))


def ticket_tags(ticket_id: int) -> list[str]:
    """The ticket's tags, alphabetically."""
    return list(
        db.session.scalars(
            select(TicketTag.tag).where(TicketTag.ticket_id == ticket_id).order_by(TicketTag.tag)
        )
    )
