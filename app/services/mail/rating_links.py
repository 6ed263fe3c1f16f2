"""Signed one-click rating links in the "solved" mail: the token names the ticket, nothing else."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.domain.errors import InvalidInput

SALT = "csat-by-mail"
VALID_FOR_SECONDS = 30 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def rating_token(ticket_id: int) -> str:
    """The signed token of a ticket's rating links; it names the ticket and expires."""
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
