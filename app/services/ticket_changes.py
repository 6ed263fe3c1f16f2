"""Agents changing a ticket's status, priority, assignee and tier."""

from __future__ import annotations

from datetime import datetime

from app.domain import tickets as rules
from app.domain.errors import InvalidInput
from app.domain.tiers import VendorHandoff, plan_manual_move, tier_label
from app.domain.vocabulary import ActivityKind, AuthorKind, Priority, Status, TierChangeCause
from app.extensions import db
from app.models import Message, Team, Ticket, User
from app.models.types import utcnow
from app.services import risk_rank, sla_clock
from app.services.access import ticket_to_work
from app.services.history import record
from app.services.tickets import _enum, apply_status
from app.services.tier_moves import apply_tier_move
from app.services.unit_of_work import transaction


def change_status(
    actor: User, ticket_id: int, status: str, *, now: datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Move a ticket along new → open → pending/on hold → solved → closed."""
    now = now or utcnow()
    target = _enum(Status, status, "status")
    with transaction():
        ticket = ticket_to_work(actor, ticket_id, expected_version)
        rules.check_status_change(ticket.status, target)
        apply_status(actor, ticket, target, now)
    return ticket


def change_priority(
    actor: User, ticket_id: int, priority: str, *, now: datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    now = now or utcnow()
    target = _enum(Priority, priority, "priority")
    with transaction():
        ticket = ticket_to_work(actor, ticket_id, expected_version)
        if ticket.priority == target:
            raise InvalidInput(f"The priority is already {target.value}.", field="priority")
        old = ticket.priority
        ticket.priority = target
        ticket.updated_at = now
        sla_clock.on_priority_change(ticket, now)
        record(
            ActivityKind.priority_changed,
            f"{ticket.reference}: priority {old.value} → {target.value}",
            now=now,
            actor=actor,
            ticket=ticket,
            data={"from": old.value, "to": target.value},
        )
    return ticket


def assign_ticket(
    actor: User,
    ticket_id: int,
    *,
    assignee_id: int | None,
    team_id: int | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Give a ticket to an agent (or nobody) and optionally a team. The assignee must work its tier."""
    now = now or utcnow()
    with transaction():
        ticket = ticket_to_work(actor, ticket_id, expected_version)
        assignee = _assignee(assignee_id, ticket)
        team = _team(team_id) if team_id is not None else ticket.team
        if ticket.assignee_id == (assignee.id if assignee else None) and team is ticket.team:
            raise InvalidInput("Nothing to change: that is the current assignment.", "assignee")
        ticket.assignee_id = assignee.id if assignee else None
        ticket.team_id = team.id if team else None
        ticket.updated_at = now
        who = assignee.name if assignee else "nobody"
        record(
            ActivityKind.ticket_assigned,
            f"{ticket.reference} assigned to {who}" + (f" ({team.name})" if team else ""),
            now=now,
            actor=actor,
            ticket=ticket,
            data={"assignee_id": ticket.assignee_id, "team_id": ticket.team_id},
        )
    return ticket


def _assignee(assignee_id: int | None, ticket: Ticket) -> User | None:
    if assignee_id is None:
        return None
    assignee = db.session.get(User, assignee_id)
    if assignee is None or not assignee.is_staff or not assignee.active:
        raise InvalidInput("Choose an active agent.", field="assignee")
    if assignee.as_actor().working_tier < ticket.tier:
        raise InvalidInput(
            f"{assignee.name} works tiers up to {assignee.support_tier}; "
            f"this ticket is at tier {ticket.tier}.",
            field="assignee",
        )
    return assignee


def _team(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        raise InvalidInput("No such team.", field="team")
    return team


def change_tier(
    actor: User,
    ticket_id: int,
    tier: int,
    reason: str,
    *,
    reason_code: str | None = None,
    vendor_team_id: int | None = None,
    vendor_reference: str | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Escalate or de-escalate by hand with a reason code and text; never outside 0–4 or from
    above one's tier. Going down leaves the text as a note for the receiving tier; going to tier 4
    hands the ticket to an external vendor team under the vendor's reference."""
    now = now or utcnow()
    with transaction():
        ticket = ticket_to_work(actor, ticket_id, expected_version)
        vendor_team = _team(vendor_team_id) if vendor_team_id is not None else None
        vendor = (
            VendorHandoff(vendor_team.name, vendor_team.is_external, vendor_reference or "")
            if vendor_team is not None else None
        )
        move = plan_manual_move(ticket.tier, tier, actor.as_actor().working_tier, reason,
                                reason_code, vendor=vendor)
        apply_tier_move(ticket, to_tier=move.to_tier, cause=TierChangeCause.manual,
                        reason=move.reason, reason_code=move.reason_code, now=now, actor=actor)
        if vendor_team is not None and move.vendor_reference is not None:
            ticket.team_id = vendor_team.id
            ticket.vendor_reference = move.vendor_reference
        if move.to_tier < move.from_tier:
            _handover_note(actor, ticket, move.to_tier, move.reason, now)
        else:
            db.session.flush()
            risk_rank.rank_customers([ticket.customer_id], now)  # escalations lower health
    return ticket


def _handover_note(actor: User, ticket: Ticket, to_tier: int, text: str, now: datetime) -> None:
    """A de-escalation's reason becomes an internal note the receiving tier reads first."""
    db.session.add(Message(
        ticket_id=ticket.id, author_id=actor.id, author_kind=AuthorKind.agent, internal=True,
        body=f"Handed back to {tier_label(to_tier)}: {text}", created_at=now,
    ))
