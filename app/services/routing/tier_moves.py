"""Moving a ticket along the tier ladder once the move has been checked (by an agent's plan,
a rule or the SLA sweep): the TierChange, the history event and a fresh tier clock. Which
team's queue it then enters is the mover's to ask of the change (routing.ticket_change)."""

from __future__ import annotations

from app.domain.tiers import MAX_TIER, tier_label
from app.domain.vocabulary import ActivityKind, ReasonCode, TierChangeCause
from app.domain.webhooks import WebhookEvent
from app.models import TierChange, User
from app.services.common.history import record
from app.services.common.row_batch import add_row
from app.services.routing.ticket_change import TicketChange
from app.services.sla import clock as sla_clock
from app.services.webhooks.events import emit


def apply_tier_move(
    change: TicketChange,
    *,
    to_tier: int,
    cause: TierChangeCause,
    reason: str,
    actor: User | None = None,
    rule_name: str | None = None,
    reason_code: ReasonCode | None = None,
) -> TierChange | None:
    """Record a checked tier move: the TierChange (None when the change collects rows), the
    history event and a fresh tier clock. The old tier's team and agent let go of the ticket."""
    ticket, now = change.ticket, change.now
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
    moved = add_row(TierChange, values, change.rows)
    ticket.tier = to_tier
    ticket.tier_entered_at = now
    ticket.updated_at = now
    if from_tier == MAX_TIER:
        # The vendor's terms belong to its hold of the ticket; a later hand-off gives new ones.
        ticket.vendor_id, ticket.vendor_reference = None, None
        ticket.vendor_due_at, ticket.vendor_pauses_clock = None, False
    sla_clock.on_tier_change(ticket, now, from_tier, change.clocks)
    if to_tier > from_tier:
        ticket.escalation_count += 1
    # The old tier's people no longer own it: the receiving tier picks it up.
    # (The relationships too, so a notice later in the same change does not reach them.)
    if ticket.assignee is not None and ticket.assignee.as_actor().working_tier < to_tier:
        ticket.assignee_id, ticket.assignee = None, None
    if ticket.team is not None and ticket.team.tier != to_tier:
        ticket.team_id, ticket.team = None, None
    direction = "escalated" if to_tier > from_tier else "de-escalated"
    # Who moved it, in words: "(rule: Night shift)", "(by Frida Lindqvist)", "(service level)".
    who = ["service level"] if cause is TierChangeCause.sla else []
    if rule_name:
        who.append(f"rule: {rule_name}")
    elif actor:
        who.append(f"by {actor.name}")
    by = ", ".join(who) or cause.value
    record(
        ActivityKind.tier_changed,
        f"{ticket.reference} {direction} {tier_label(from_tier)} → {tier_label(to_tier)} ({by}): {reason}",
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
        rows=change.rows,
    )
    data = {"from": from_tier, "to": to_tier, "cause": cause.value, "reason": reason}
    emit(WebhookEvent.ticket_tier_changed, ticket, now, data, rows=change.rows)
    return moved
