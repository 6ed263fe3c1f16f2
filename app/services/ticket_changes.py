"""Agents changing a ticket's status, priority, assignee and tier."""

from __future__ import annotations

from datetime import datetime

from app.domain import tickets as rules
from app.domain.errors import InvalidInput
from app.domain.tiers import plan_manual_move, tier_label
from app.domain.vocabulary import ActivityKind, Priority, Status, TierChangeCause
from app.extensions import db
from app.models import Team, Ticket, TierChange, User
from app.models.types import utcnow
from app.services.access import ticket_to_work
from app.services.history import record
from app.services.tickets import _apply_status, _enum
from app.services.unit_of_work import transaction


def change_status(
    actor: User, ticket_id: int, status: str, *, now: datetime | None = None
) -> Ticket:
    """Move a ticket along new → open → pending/on hold → solved → closed."""
    now = now or utcnow()
    target = _enum(Status, status, "status")
    with transaction():
        ticket = ticket_to_work(actor, ticket_id)
        rules.check_status_change(ticket.status, target)
        _apply_status(actor, ticket, target, now)
    return ticket


def change_priority(
    actor: User, ticket_id: int, priority: str, *, now: datetime | None = None
) -> Ticket:
    now = now or utcnow()
    target = _enum(Priority, priority, "priority")
    with transaction():
        ticket = ticket_to_work(actor, ticket_id)
        if ticket.priority == target:
            raise InvalidInput(f"The priority is already {target.value}.", field="priority")
        old = ticket.priority
        ticket.priority = target
        ticket.updated_at = now
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
) -> Ticket:
    """Give a ticket to an agent (or nobody) and optionally a team. The assignee must work its tier."""
    now = now or utcnow()
    with transaction():
        ticket = ticket_to_work(actor, ticket_id)
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
    now: datetime | None = None,
) -> Ticket:
    """Escalate or de-escalate by hand, with a reason; never outside 0–4 or from above one's tier."""
    now = now or utcnow()
    with transaction():
        ticket = ticket_to_work(actor, ticket_id)
        move = plan_manual_move(ticket.tier, tier, actor.as_actor().working_tier, reason)
        apply_tier_move(
            ticket,
            to_tier=move.to_tier,
            cause=TierChangeCause.manual,
            reason=move.reason,
            now=now,
            actor=actor,
        )
    return ticket


def apply_tier_move(
    ticket: Ticket,
    *,
    to_tier: int,
    cause: TierChangeCause,
    reason: str,
    now: datetime,
    actor: User | None = None,
    rule_name: str | None = None,
) -> TierChange:
    """Record a checked tier move: the TierChange, the history event and a fresh tier clock."""
    from_tier = ticket.tier
    change = TierChange(
        ticket_id=ticket.id,
        from_tier=from_tier,
        to_tier=to_tier,
        cause=cause,
        reason=reason,
        actor_id=actor.id if actor else None,
        rule_name=rule_name,
        created_at=now,
    )
    db.session.add(change)
    ticket.tier = to_tier
    ticket.tier_entered_at = now
    ticket.updated_at = now
    if to_tier > from_tier:
        ticket.escalation_count += 1
    # The old tier's people no longer own it: the receiving tier picks it up.
    if ticket.assignee is not None and ticket.assignee.as_actor().working_tier < to_tier:
        ticket.assignee_id = None
    if ticket.team is not None and ticket.team.tier != to_tier:
        ticket.team_id = None
    direction = "escalated" if to_tier > from_tier else "de-escalated"
    by = rule_name or (actor.name if actor else cause.value)
    record(
        ActivityKind.tier_changed,
        f"{ticket.reference} {direction} {tier_label(from_tier)} → {tier_label(to_tier)} "
        f"({cause.value}: {by}): {reason}",
        now=now,
        actor=actor,
        ticket=ticket,
        data={
            "from": from_tier,
            "to": to_tier,
            "cause": cause.value,
            "reason": reason,
            "rule": rule_name,
        },
    )
    return change
