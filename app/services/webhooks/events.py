"""Raising webhook events: one outbox row per listening subscription, in the caller's transaction.

Asked at the few places where the events happen (a ticket opened, a public reply, a status or tier
move, the sweep's warnings and breaches, a rating, a late vendor). When no active subscription
wants the event, nothing is built and no statement runs: the listeners come from the per-process
setup copy."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from app.domain.tiers import tier_label
from app.domain.webhooks import WebhookEvent
from app.models import Ticket, WebhookDelivery
from app.services.common.links import absolute_url
from app.services.common.row_batch import RowBatch, add_row
from app.services.webhooks.subscriptions import listeners


def emit(
    event: WebhookEvent,
    ticket: Ticket,
    now: datetime,
    data: dict[str, Any] | None = None,
    *,
    rows: RowBatch | None = None,
) -> int:
    """Queue the event for every subscription that listens to it (in `rows` when a batch collects
    its rows for one INSERT); returns how many deliveries were queued."""
    if rows is None:
        subscribers = listeners(event)
    else:
        subscribers = rows.once(("webhook listeners", event), lambda: listeners(event))
    if not subscribers:
        return 0
    event_id = f"evt_{uuid.uuid4().hex}"
    body = json.dumps(
        {
            "id": event_id,
            "type": event.value,
            "created_at": now.isoformat(),
            "ticket": ticket_data(ticket),
            "data": data or {},
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )
    for subscription_id in subscribers:
        values = {
            "subscription_id": subscription_id,
            "event_id": event_id,
            "event_type": event.value,
            "ticket_id": ticket.id,
            "payload": body,
            "created_at": now,
            "attempts": 0,
        }
        add_row(WebhookDelivery, values, rows)
    return len(subscribers)


def ticket_data(ticket: Ticket) -> dict[str, Any]:
    """What an event says about its ticket: its own columns only (no further reads), and links
    built from BASE_URL."""
    return {
        "id": ticket.id,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "tier": ticket.tier,
        "tier_name": tier_label(ticket.tier),
        "category": ticket.category.value if ticket.category else None,
        "channel": ticket.channel.value if ticket.channel else None,
        "customer_id": ticket.customer_id,
        "organization_id": ticket.organization_id,
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
        "created_at": ticket.created_at.isoformat() if ticket.created_at else None,
        "updated_at": ticket.updated_at.isoformat() if ticket.updated_at else None,
        "links": {
            "desk": absolute_url("desk.tickets.ticket", ticket_id=ticket.id),
            "portal": absolute_url("portal.ticket", ticket_id=ticket.id),
        },
    }
