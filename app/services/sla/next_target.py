"""For a page of a queue: each ticket's next service-level target, to show the time left."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.domain.sla_vocabulary import TARGET_LABELS
from app.extensions import db
from app.models import SlaClock, Ticket
from app.services.sla.clock_parts import pause_reason


@dataclass(frozen=True, slots=True)
class NextTarget:
    label: str
    due_at: datetime


def next_targets(ticket_ids: Iterable[int]) -> dict[int, NextTarget]:
    """The earliest running target of each ticket, read in one query by the open-clock index."""
    ids = list(ticket_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(SlaClock.ticket_id, SlaClock.target, SlaClock.due_at)
        .where(SlaClock.ticket_id.in_(ids), SlaClock.satisfied_at.is_(None))
        .order_by(SlaClock.ticket_id, SlaClock.due_at)
    )
    found: dict[int, NextTarget] = {}
    for ticket_id, target, due_at in rows:
        found.setdefault(ticket_id, NextTarget(TARGET_LABELS[target], due_at))
    return found


def paused_tickets(tickets: Iterable[Ticket]) -> set[int]:
    """The tickets whose clocks stand still now: their stored due times move on with the pause,
    so a page shows "Paused" instead of counting down to them."""
    return {ticket.id for ticket in tickets if pause_reason(ticket) is not None}
