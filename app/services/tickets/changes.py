"""Agents changing a ticket's status, priority, assignee and tier."""

from __future__ import annotations

from datetime import datetime

from app.domain import tickets as rules
from app.domain.assignment import is_away
from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput
from app.domain.tiers import MAX_TIER, plan_manual_move, tier_label
from app.domain.vendors import plan_handoff
from app.domain.vocabulary import ActivityKind, AuthorKind, Priority, Status, TierChangeCause
from app.extensions import db
from app.models import Message, Team, Ticket, User
from app.models.types import utcnow
from app.services.common.access import ticket_to_work
from app.services.common.history import record
from app.services.common.rows import find_row
from app.services.common.transaction import transaction
from app.services.mail import staff_notices
from app.services.routing.assignment import record_assignment
from app.services.routing.ticket_change import TicketChange, finish_change, settle_queue
from app.services.routing.tier_moves import apply_tier_move
from app.services.sla import clock as sla_clock
from app.services.tickets.status import apply_status
from app.services.tickets.vendor_handoff import hand_to_vendor, vendor_choice
from app.services.tickets.vendor_overdue import previous_assignee


def change_status(
    actor: User,
    ticket_id: int,
    status: str,
    *,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Move a ticket along new → open → pending/on hold → solved → closed."""
    now = now or utcnow()
    target = parse_choice(Status, status, "status")
    with transaction():
        ticket = ticket_to_work(actor, ticket_id, expected_version)
        rules.check_status_change(ticket.status, target)
        change = TicketChange(ticket, now)
        apply_status(change, actor, target)
        finish_change(change)
    return ticket


def change_priority(
    actor: User,
    ticket_id: int,
    priority: str,
    *,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Set another priority; the clocks follow the policy it chooses."""
    now = now or utcnow()
    target = parse_choice(Priority, priority, "priority")
    with transaction():
        ticket = ticket_to_work(actor, ticket_id, expected_version)
        if ticket.priority == target:
            raise InvalidInput(f"The priority is already {target.value}.", field="priority")
        change = TicketChange(ticket, now)
        old = ticket.priority
        ticket.priority = target
        ticket.updated_at = now
        sla_clock.on_priority_change(ticket, now, change.clocks)
        record(
            ActivityKind.priority_changed,
            f"{ticket.reference}: priority {old.value} → {target.value}",
            now=now,
            actor=actor,
            ticket=ticket,
            data={"from": old.value, "to": target.value},
        )
        finish_change(change)
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
        record_assignment(ticket, assignee=assignee, team=team, now=now, actor=actor)
    return ticket


def _assignee(assignee_id: int | None, ticket: Ticket) -> User | None:
    if assignee_id is None:
        return None
    assignee = find_row(User, assignee_id)
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
    team = find_row(Team, team_id)
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
    vendor_due_at: datetime | None = None,
    vendor_pauses_clock: bool | None = None,
    team_id: int | None = None,
    hand_over: bool = False,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Escalate or de-escalate by hand with a reason code and text; never outside 0–4 or from
    above one's tier. Going down leaves the text as a note for the receiving tier; going to tier 4
    hands the ticket to an external vendor team, with the vendor's reference (or later), its due
    time (by default from the vendor's target) and whether waiting on it pauses the clock (by
    default as the vendor is set up). Otherwise the ticket enters the receiving team's queue
    (`team_id`, else the tier's only team); `hand_over` gives it to that team's next agent."""
    now = now or utcnow()
    with transaction():
        ticket = ticket_to_work(actor, ticket_id, expected_version)
        change = TicketChange(ticket, now)
        had_it = ticket.assignee_id  # a hand-off remembers who had it before the vendor
        move = plan_manual_move(ticket.tier, tier, actor.as_actor().working_tier, reason, reason_code)
        terms = None
        if move.to_tier == MAX_TIER:
            terms = plan_handoff(
                vendor_choice(vendor_team_id), vendor_reference, vendor_due_at, vendor_pauses_clock, now
            )
            receiving = db.session.get(Team, terms.vendor_id)
        else:
            receiving = _receiving_team(team_id, move.to_tier)
        # A ticket the vendor gives back goes to whoever handed it off, if they can take it.
        returning_to = _back_from_vendor(ticket, move.from_tier, move.to_tier, now) if not hand_over else None
        apply_tier_move(
            change,
            to_tier=move.to_tier,
            cause=TierChangeCause.manual,
            reason=move.reason,
            reason_code=move.reason_code,
            actor=actor,
        )
        if returning_to is not None:
            receiving = receiving or _own_team(returning_to, move.to_tier)
            ticket.assignee_id, ticket.assignee = returning_to.id, returning_to
            record_assignment(
                ticket,
                assignee=returning_to,
                team=receiving,
                now=now,
                actor=actor,
                how="back from the vendor",
            )
        change.enter_queue(receiving, actor=actor, hand_over=hand_over)
        if terms is not None:
            settle_queue(change)  # the vendor's team holds it before the hand-off is recorded
            ticket.team_id = terms.vendor_id
            hand_to_vendor(actor, ticket, terms, now, change.clocks, had_it)
        if move.to_tier < move.from_tier:
            _handover_note(actor, ticket, move.to_tier, move.reason, now)
        else:
            change.rank_health = True  # escalations lower health
        finish_change(change)
        if move.to_tier > move.from_tier:
            staff_notices.ticket_escalated(ticket, actor, move.reason, now)
    return ticket


def _back_from_vendor(ticket: Ticket, from_tier: int, to_tier: int, now: datetime) -> User | None:
    """The agent who handed the ticket to the vendor, when it leaves tier 4 and they are still
    active, not away and work the tier it returns to."""
    if from_tier != MAX_TIER or to_tier >= MAX_TIER:
        return None
    agent = previous_assignee(ticket)
    if agent is None or is_away(agent.away, agent.away_until, now):
        return None
    return agent if agent.as_actor().working_tier >= to_tier else None


def _own_team(agent: User, tier: int) -> Team | None:
    return agent.team if agent.team is not None and agent.team.tier == tier else None


def _receiving_team(team_id: int | None, to_tier: int) -> Team | None:
    if team_id is None:
        return None
    team = _team(team_id)
    if team.tier != to_tier:
        raise InvalidInput(
            f"{team.name} works tier {team.tier}; the ticket is moving to tier {to_tier}.",
            field="team",
        )
    return team


def _handover_note(actor: User, ticket: Ticket, to_tier: int, text: str, now: datetime) -> None:
    """A de-escalation's reason becomes an internal note the receiving tier reads first."""
    db.session.add(
        Message(
            ticket_id=ticket.id,
            author_id=actor.id,
            author_kind=AuthorKind.agent,
            internal=True,
            body=f"Handed back to {tier_label(to_tier)}: {text}",
            created_at=now,
        )
    )
