"""Bulk actions on a queue selection: each ticket through its own service and transaction, so
permissions, rules and history apply exactly as for one ticket; what is skipped says why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from app.domain.ids import is_row_id
from app.domain.rule_parsing import TAG_PATTERN
from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import Ticket, TicketTag, User
from app.models.types import utcnow
from app.services.common.access import require_staff, ticket_to_work
from app.services.common.history import record
from app.services.common.transaction import transaction
from app.services.tickets.changes import assign_ticket, change_priority, change_status, change_tier

MAX_SELECTION = 100
ACTIONS = ("assign", "status", "priority", "tag", "tier")


@dataclass(slots=True)
class BulkResult:
    done: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        text = f"{len(self.done)} changed"
        if self.skipped:
            # A reason that names its ticket already ("TD-7 is at tier 3…") is not prefixed again.
            reasons = "; ".join(
                why if why.startswith(ref) else f"{ref}: {why}" for ref, why in self.skipped[:10]
            )
            text += f", {len(self.skipped)} skipped ({reasons})"
        return text


def add_tag(actor: User, ticket_id: int, tag: str, *, now: datetime | None = None) -> None:
    """Tag a ticket by hand (rules can read tags)."""
    tag = (tag or "").strip().lower()
    if not TAG_PATTERN.match(tag):
        raise InvalidInput("A tag is 1–40 lowercase letters, digits, '-' or '_'.", field="tag")
    now = now or utcnow()
    with transaction():
        ticket = ticket_to_work(actor, ticket_id)
        if db.session.get(TicketTag, (ticket.id, tag)) is not None:
            raise InvalidInput(f"Already tagged '{tag}'.", field="tag")
        db.session.add(TicketTag(ticket_id=ticket.id, tag=tag, created_at=now))
        record(
            ActivityKind.tag_added,
            f"{actor.name} tagged {ticket.reference} '{tag}'",
            now=now,
            actor=actor,
            ticket=ticket,
            data={"tag": tag},
        )


def bulk_apply(actor: User, ticket_ids: list[int], action: str, **params: Any) -> BulkResult:
    require_staff(actor)
    ids = list(dict.fromkeys(ticket_ids))
    if not ids:
        raise InvalidInput("Select at least one ticket.", field="ticket_ids")
    if len(ids) > MAX_SELECTION:
        raise InvalidInput(f"Select at most {MAX_SELECTION} tickets at a time.", "ticket_ids")
    if action not in ACTIONS:
        raise InvalidInput(f"No bulk action '{action}'.", field="action")
    references = dict(
        db.session.execute(
            select(Ticket.id, Ticket.reference).where(Ticket.id.in_(filter(is_row_id, ids)))
        ).all()
    )
    result = BulkResult()
    for ticket_id in ids:
        ref = references.get(ticket_id) or f"#{ticket_id}"
        try:
            _one(actor, ticket_id, action, params)
        except (InvalidInput, NotAllowed, NotFound, Conflict) as error:
            db.session.rollback()
            result.skipped.append((ref, str(error)))
        else:
            result.done.append(ref)
    return result


def _one(actor: User, ticket_id: int, action: str, params: dict) -> None:
    if action == "assign":
        assign_ticket(actor, ticket_id, assignee_id=params.get("assignee_id"))
    elif action == "status":
        change_status(actor, ticket_id, params.get("status") or "")
    elif action == "priority":
        change_priority(actor, ticket_id, params.get("priority") or "")
    elif action == "tag":
        add_tag(actor, ticket_id, params.get("tag") or "")
    else:
        change_tier(
            actor,
            ticket_id,
            params.get("tier", -1),
            params.get("reason") or "",
            reason_code=params.get("reason_code") or None,
        )


def tags_of(ticket_ids: list[int]) -> dict[int, list[str]]:
    """Each ticket's tags in order, for the tickets given."""
    found: dict[int, list[str]] = {ticket_id: [] for ticket_id in ticket_ids}
    if ticket_ids:
        rows = db.session.execute(
            select(TicketTag.ticket_id, TicketTag.tag)
            .where(TicketTag.ticket_id.in_(ticket_ids))
            .order_by(TicketTag.ticket_id, TicketTag.tag)
        )
        for ticket_id, tag in rows:
            found[ticket_id].append(tag)
    return found
