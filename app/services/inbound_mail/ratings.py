"""Recording the one-click rating of a "solved" mail: the link's token names the ticket."""

from __future__ import annotations

from datetime import datetime

from app.domain.errors import InvalidInput
from app.extensions import db
from app.models import Ticket
from app.services.mail.rating_links import ticket_id_from_token
from app.services.tickets.ratings import rate_ticket


def rate_from_link(token: str, score: int, *, now: datetime | None = None) -> Ticket:
    """The one-click rating in the "solved" mail, recorded as the ticket's customer's answer."""
    ticket = db.session.get(Ticket, ticket_id_from_token(token))
    user = ticket.customer.user if ticket is not None and ticket.customer else None
    if ticket is None or user is None or not user.active:
        raise InvalidInput("This request cannot be rated from mail; rate it in the portal.")
    rate_ticket(user, ticket.id, score, now=now)
    return ticket
