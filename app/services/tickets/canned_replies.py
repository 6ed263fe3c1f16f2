"""Canned replies: agents keep personal ones; admins keep shared ones for everybody."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from app.domain.canned import check_canned, fill_canned
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.vocabulary import Role
from app.extensions import db
from app.models import CannedReply, Ticket, User
from app.models.types import utcnow
from app.services.common.access import require_staff
from app.services.common.rows import find_row
from app.services.common.transaction import transaction


def canned_for(actor: User) -> list[CannedReply]:
    """Shared replies and the actor's own, by title."""
    require_staff(actor)
    return list(
        db.session.scalars(
            select(CannedReply)
            .where(or_(CannedReply.owner_id.is_(None), CannedReply.owner_id == actor.id))
            .order_by(CannedReply.owner_id.is_not(None), CannedReply.title)
        )
    )


def save_canned(
    actor: User, *, title: str, body: str, shared: bool = False, now: datetime | None = None
) -> CannedReply:
    require_staff(actor)
    if shared and actor.role is not Role.admin:
        raise NotAllowed("Only admins keep shared replies.")
    title = " ".join((title or "").split())
    if not title or len(title) > 120:
        raise InvalidInput("Give the reply a title of at most 120 characters.", field="title")
    if not (body or "").strip() or len(body) > 10_000:
        raise InvalidInput("Write the reply (at most 10,000 characters).", field="body")
    check_canned(body)
    now = now or utcnow()
    with transaction():
        reply = CannedReply(
            title=title,
            body=body.strip(),
            owner_id=None if shared else actor.id,
            created_at=now,
            updated_at=now,
        )
        db.session.add(reply)
    return reply


def _usable(actor: User, canned_id: int) -> CannedReply:
    reply = find_row(CannedReply, canned_id)
    if reply is None or (reply.owner_id is not None and reply.owner_id != actor.id):
        raise NotFound("No such canned reply.")
    return reply


def delete_canned(actor: User, canned_id: int) -> None:
    require_staff(actor)
    with transaction():
        reply = _usable(actor, canned_id)
        if reply.owner_id is None and actor.role is not Role.admin:
            raise NotAllowed("Only admins remove shared replies.")
        db.session.delete(reply)


def fill_for_ticket(actor: User, canned_id: int, ticket: Ticket) -> str:
    """The reply text with this ticket's and this agent's values in place."""
    require_staff(actor)
    reply = _usable(actor, canned_id)
    customer = ticket.customer
    return fill_canned(
        reply.body,
        {
            "customer.name": customer.name,
            "customer.email": customer.email,
            "ticket.reference": ticket.reference or "",
            "ticket.subject": ticket.subject,
            "agent.name": actor.name,
            "organization.name": ticket.organization.name if ticket.organization else "",
        },
    )
