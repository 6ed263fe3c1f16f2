"""Loading things on behalf of someone, with the access rules applied."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.domain.access import can_view_ticket, can_work_ticket
from app.domain.errors import Conflict, NotAllowed, NotFound
from app.domain.ids import is_row_id
from app.domain.vocabulary import Role
from app.extensions import db
from app.models import Activity, Ticket, User


def ticket_for(actor: User, ticket_id: int, *, for_update: bool = False) -> Ticket:
    """The ticket if the actor may see it; otherwise NotFound (never reveal that it exists)."""
    if not is_row_id(ticket_id):
        raise NotFound("No such ticket.")
    query = (
        select(Ticket)
        .where(Ticket.id == ticket_id)
        .options(joinedload(Ticket.customer), joinedload(Ticket.organization))
    )
    if for_update:
        # Locked and read afresh: a copy loaded earlier in the request may be out of date.
        query = query.with_for_update(of=Ticket).execution_options(populate_existing=True)
    ticket = db.session.scalars(query).first()
    if ticket is None or not can_view_ticket(actor.as_actor(), ticket.facts()):
        raise NotFound("No such ticket.")
    return ticket


def ticket_to_work(actor: User, ticket_id: int, expected_version: int | None = None) -> Ticket:
    """The ticket if the actor may change it: staff at or above the ticket's tier.

    With `expected_version` (the version the person's page showed), a ticket someone changed in
    the meantime is refused instead of being overwritten. The ticket is locked until the caller's
    transaction ends: a save at the same moment as another waits for it, never loses to it."""
    ticket = ticket_for(actor, ticket_id, for_update=True)
    if not actor.is_staff:
        raise NotAllowed("Only support staff can do that.")
    # A page that showed an older version gets "changed meanwhile" even when the change moved the
    # ticket above the actor's tier: their page was right when they typed, and they keep the text.
    if expected_version is not None and ticket.version != expected_version:
        raise Conflict(_changed_meanwhile(ticket))
    if not can_work_ticket(actor.as_actor(), ticket.facts()):
        raise NotAllowed(
            f"{ticket.reference} is at tier {ticket.tier}; "
            f"you work tiers up to {actor.as_actor().working_tier}. It is read-only to you."
        )
    return ticket


def _changed_meanwhile(ticket: Ticket) -> str:
    latest = db.session.scalars(
        select(Activity)
        .where(Activity.ticket_id == ticket.id)
        .order_by(Activity.created_at.desc(), Activity.id.desc())
    ).first()
    what = f" Latest: {latest.summary} ({latest.created_at:%H:%M} UTC)." if latest else ""
    return (
        f"{ticket.reference} changed since you opened it, so your change was not saved."
        f"{what} The page now shows the newer state; check it and try again."
    )


def require_admin(actor: User) -> None:
    if actor.role is not Role.admin or not actor.active:
        raise NotAllowed("Only admins can do that.")


def require_staff(actor: User) -> None:
    if not actor.is_staff or not actor.active:
        raise NotAllowed("Only support staff can do that.")
