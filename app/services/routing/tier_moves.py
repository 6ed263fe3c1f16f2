"""Moving a ticket along the tier ladder once the move has been checked (by an agent's plan,
a rule or the SLA sweep): the TierChange, the history event, a fresh tier clock and the
receiving team's queue."""

from __future__ import annotations

from datetime import datetime

from app.domain.tiers import MAX_TIER, tier_label
from app.domain.vocabulary import ActivityKind, ReasonCode, TierChangeCause
from app.extensions import db
from app.models import Team, Ticket, TierChange, User
from app.services.common.history import defer, record
from app.services.routing.assignment import enter_team_queue
from app.services.sla import clock as sla_clock


def apply_tier_move(
    ticket: Ticket,
    *,
    to_tier: int,
    cause: TierChangeCause,
    reason: str,
    now: datetime,
    actor: User | None = None,
    rule_name: str | None = None,
    reason_code: ReasonCode | None = None,
    team: Team | None = None,
    hand_over: bool = False,
    enter_team: bool = True,
) -> TierChange | None:
    """Record a checked tier move: the TierChange, the history event and a fresh tier clock.

    The ticket then enters the receiving team's queue (`team`, else the tier's only team), which
    may give it to the team's next agent (see services.assignment); `hand_over` asks for that
    even when the mover would keep it. The SLA sweep, which raises thousands of tickets at
    once, passes enter_team=False and leaves them in the tier's queue."""
    from_tier = ticket.tier
    values = {
        "ticket_id": ticket.id,
        "from_tier": from_tier,
        "to_tier": to_tier,
        "cause": cause,
        "reason": reason,
        "reason_code": reason_code,
        "actor_id": actor.id if actor else None,
        "rule_name": rule_name,
        "created_at": now,
    }
    change = None if defer(TierChange, values) else TierChange(**values)
    if change is not None:
        db.session.add(change)
    ticket.tier = to_tier
    ticket.tier_entered_at = now
    ticket.updated_at = now
    if from_tier == MAX_TIER:
        # The vendor's terms belong to its hold of the ticket; a later hand-off gives new ones.
        ticket.vendor_id, ticket.vendor_reference = None, None
        ticket.vendor_due_at, ticket.vendor_pauses_clock = None, False
    sla_clock.on_tier_change(ticket, now, from_tier)
    if to_tier > from_tier:
        ticket.escalation_count += 1
    # The old tier's people no longer own it: the receiving tier picks it up.
    # (The relationships too, so a notice later in the same change does not reach them.)
    if ticket.assignee is not None and ticket.assignee.as_actor().working_tier < to_tier:
        ticket.assignee_id, ticket.assignee = None, None
    if ticket.team is not None and ticket.team.tier != to_tier:
        ticket.team_id, ticket.team = None, None
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
            "reason_code": reason_code.value if reason_code else None,
            "rule": rule_name,
        },
    )
    if enter_team:
        enter_team_queue(ticket, now, team=team, actor=actor, hand_over=hand_over)
    return change
