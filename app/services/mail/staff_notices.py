"""Mail to staff that no other service already queues: a ticket escalated into their team."""

from __future__ import annotations

from datetime import datetime

from app.domain.tiers import tier_label
from app.models import Ticket, User
from app.services.common.outbox import queue_notification, recipients_for, ticket_summary


def ticket_escalated(ticket: Ticket, actor: User, reason: str, now: datetime) -> None:
    """Tell the receiving team about an escalation; an assignee was told by the assignment."""
    if ticket.assignee_id is not None or ticket.team_id is None:
        return
    recipients = [user for user in recipients_for(ticket, "team") if user.id != actor.id]
    queue_notification(
        ticket,
        "team",
        now=now,
        recipients=recipients,
        kind="escalated",
        subject=f"[{ticket.reference}] escalated to {tier_label(ticket.tier)}: {ticket.subject}",
        body=f"{actor.name} escalated {ticket.reference} to your team: {reason}\n\n" + ticket_summary(ticket),
    )
