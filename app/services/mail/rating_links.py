"""Signed one-click rating links in the "solved" mail: the token names the ticket, nothing else."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.domain.errors import InvalidInput
from app.extensions import db
from app.models import Ticket
from app.services.tickets.ratings import rate_ticket

SALT = "csat-by-mail"
VALID_FOR_SECONDS = 30 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def rating_token(ticket_id: int) -> str:
    return _serializer().dumps({"t": ticket_id})


def ticket_id_from_token(token: str) -> int:
    """The ticket a rating link is for; a forged or month-old link is refused."""
    try:
        data = _serializer().loads(token, max_age=VALID_FOR_SECONDS)
    except BadSignature:
        raise InvalidInput(
            "This rating link is not valid any more; rate the request in the portal."
        ) from None
    ticket_id = data.get("t") if isinstance(data, dict) else None
    if not isinstance(ticket_id, int):
        raise InvalidInput("This rating link is not valid.")
    return ticket_id


def rate_from_link(token: str, score: int, *, now: datetime | None = None) -> Ticket:
    """The one-click rating in the "solved" mail, recorded as the ticket's customer's answer."""
    ticket = db.session.get(Ticket, ticket_id_from_token(token))
    user = ticket.customer.user if ticket is not None and ticket.customer else None
    if ticket is None or user is None or not user.active:
        raise InvalidInput("This request cannot be rated from mail; rate it in the portal.")
    rate_ticket(user, ticket.id, score, now=now)
    return ticket
