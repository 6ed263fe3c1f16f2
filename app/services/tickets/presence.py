"""Who else has a desk ticket page open right now: each open page touches its agent's row,
on load and by a heartbeat; a row not touched for a minute no longer counts."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import TicketViewer, User
from app.models.types import utcnow
from app.services.common.access import require_staff, ticket_for
from app.services.common.rows import insert_on_conflict
from app.services.common.storage import is_storage_failure
from app.services.common.transaction import transaction

log = logging.getLogger(__name__)
FRESH_FOR = timedelta(seconds=60)
HEARTBEAT_SECONDS = 20


def touch_viewing(actor: User, ticket_id: int, *, now: datetime | None = None) -> list[str]:
    """Record that this agent has the ticket open; returns the names of the others viewing it."""
    require_staff(actor)
    ticket = ticket_for(actor, ticket_id)  # NotFound for a ticket they may not see
    now = now or utcnow()
    with transaction():
        # One row per agent and ticket, however many tabs or heartbeats race for it.
        upsert = insert_on_conflict(TicketViewer).values(ticket_id=ticket.id, user_id=actor.id, seen_at=now)
        db.session.execute(
            upsert.on_conflict_do_update(index_elements=["ticket_id", "user_id"], set_={"seen_at": now})
        )
        # Rows of pages closed long ago go, so the table stays the size of what is open.
        db.session.execute(
            delete(TicketViewer).where(
                TicketViewer.ticket_id == ticket.id, TicketViewer.seen_at < now - FRESH_FOR * 10
            )
        )
    return other_viewers(actor, ticket.id, now=now)


def viewing_if_possible(actor: User, ticket_id: int) -> list[str]:
    """touch_viewing for a page load. Presence is a nicety: when the database cannot take the
    write (full, read-only), the page still opens, naming who else was seen viewing."""
    try:
        return touch_viewing(actor, ticket_id)
    except DBAPIError as error:
        if not is_storage_failure(error):
            raise
        log.warning("presence not recorded for ticket %s: %s", ticket_id, error.orig)
        return other_viewers(actor, ticket_id)


def other_viewers(actor: User, ticket_id: int, *, now: datetime | None = None) -> list[str]:
    """Names of the other staff who touched the ticket within the last minute."""
    cutoff = (now or utcnow()) - FRESH_FOR
    return list(
        db.session.scalars(
            select(User.name)
            .join(TicketViewer, TicketViewer.user_id == User.id)
            .where(
                TicketViewer.ticket_id == ticket_id,
                TicketViewer.user_id != actor.id,
                TicketViewer.seen_at >= cutoff,
            )
            .order_by(User.name)
        )
    )
