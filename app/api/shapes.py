"""Models as the plain values the API's schemas dump, with what a customer may not read left out."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Response, url_for

from app.domain.customer_words import AUTHOR_WORDS, STATE_HINTS, customer_state
from app.domain.vocabulary import AuthorKind

CUSTOMER_TICKET_FIELDS = (
    "id",
    "reference",
    "subject",
    "description",
    "priority",
    "category",
    "channel",
    "customer_id",
    "organization_id",
    "created_at",
    "updated_at",
    "solved_at",
    "closed_at",
)


def ticket_shape(ticket, staff: bool, tags: list[str] | None = None) -> dict[str, Any]:
    """A staff member reads the desk's values; a customer the portal's words for the state of
    their request (`state`, `state_hint`) and nothing of the desk's own (status, tier, tags…)."""
    shape: dict[str, Any] = {name: getattr(ticket, name) for name in CUSTOMER_TICKET_FIELDS}
    for name in ("priority", "category", "channel"):
        shape[name] = str(shape[name])
    if not staff:
        state = customer_state(ticket.status, ticket.tier)
        shape.update(state=state, state_hint=STATE_HINTS[state])
        return shape
    shape.update(
        status=str(ticket.status),
        tier=ticket.tier,
        team_id=ticket.team_id,
        assignee_id=ticket.assignee_id,
        first_responded_at=ticket.first_responded_at,
        reopen_count=ticket.reopen_count,
        escalation_count=ticket.escalation_count,
        sla_badge=str(ticket.sla_badge) if ticket.sla_badge else None,
        sla_next_check_at=ticket.sla_next_check_at,
        tags=tags or [],
        version=ticket.version,
        vendor=(
            {
                "vendor_id": ticket.vendor_id,
                "reference": ticket.vendor_reference,
                "due_at": ticket.vendor_due_at,
                "pauses_clock": ticket.vendor_pauses_clock,
            }
            if ticket.vendor_id is not None
            else None
        ),
    )
    return shape


def message_shape(message, attachments, staff: bool) -> dict[str, Any]:
    author = message.author
    kind = message.author_kind
    return {
        "id": message.id,
        "author_kind": str(kind) if staff else AUTHOR_WORDS[AuthorKind(kind)],
        "author_name": author.name if author is not None else None,
        "body": message.body,
        "internal": message.internal,
        "created_at": message.created_at,
        "attachments": [attachment_shape(a) for a in attachments],
    }


def attachment_shape(attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": url_for("api_attachments.download", attachment_id=attachment.id),
    }


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


# `json.dumps` with these options builds an encoder at every call; one is enough (it keeps no
# state between calls).
_encode = json.JSONEncoder(default=_iso, separators=(",", ":")).encode


def answer(data: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer written straight from the shapes above (times in ISO 8601, as the schemas
    say): the hot paths skip marshmallow's field-by-field dump, which cost more than the query.
    The schemas still document it, and schemathesis checks every answer against them."""
    # The content type as `mimetype="application/json"` makes it (JSON takes no charset).
    response = Response(_encode(data), status, content_type="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
