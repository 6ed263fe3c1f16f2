"""The demo tickets: each one opened, moved along the tiers, answered and (sometimes) solved,
with the messages, tier changes, ratings and history events the services would have written."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TypeVar

from app.demo import data
from app.domain.tiers import tier_label
from app.domain.vocabulary import (
    ActivityKind,
    AuthorKind,
    Category,
    Channel,
    Priority,
    ReasonCode,
    Status,
    TierChangeCause,
)
from app.extensions import db
from app.models import Activity, CsatAnswer, Customer, Message, Team, Ticket, TierChange, User

STATUS_WEIGHTS = {
    Status.new: 3,
    Status.open: 5,
    Status.pending: 2,
    Status.on_hold: 1,
    Status.solved: 3,
    Status.closed: 2,
}
TIER_WEIGHTS = {0: 1, 1: 6, 2: 3, 3: 2, 4: 1}
PRIORITY_WEIGHTS = {Priority.low: 2, Priority.normal: 5, Priority.high: 2, Priority.urgent: 1}


Choice = TypeVar("Choice")


def _pick(rng: random.Random, weights: dict[Choice, int]) -> Choice:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _later(rng: random.Random, when: datetime, now: datetime, hours: int) -> datetime:
    """A moment up to `hours` after `when` that stays in the past: recent tickets get a
    compressed story rather than events dated in the future."""
    return when + min(timedelta(hours=rng.uniform(0.2, hours)), (now - when) / 2)


def new_ticket(n: int, rng: random.Random, now: datetime, customers: list[Customer]) -> Ticket:
    """A ticket as opened, within the last 60 days; the demo customer gets every twelfth."""
    customer = customers[0] if n % 12 == 0 else rng.choice(customers)
    category = rng.choice(list(Category))
    created = now - timedelta(days=rng.uniform(0, 60))
    return Ticket(
        subject=rng.choice(data.SUBJECTS[category.value]),
        description=" ".join(rng.sample(data.CUSTOMER_LINES, 2)),
        customer=customer,
        organization=customer.organization,
        category=category,
        channel=rng.choice(list(Channel)),
        status=Status.new,
        priority=_pick(rng, PRIORITY_WEIGHTS),
        tier=1,
        created_at=created,
        updated_at=created,
        tier_entered_at=created,
    )


def write_story(
    ticket: Ticket, rng: random.Random, now: datetime, teams: dict[int, Team], agents: dict[int, User]
) -> None:
    """What happened to a ticket since it was opened: tier moves, replies, notes, the outcome."""
    status, tier = _pick(rng, STATUS_WEIGHTS), _pick(rng, TIER_WEIGHTS)
    _event(
        ticket,
        ActivityKind.ticket_opened,
        f"{ticket.reference} opened: {ticket.subject}",
        ticket.created_at,
        ticket.customer.user,
        {"tier": 1, "priority": ticket.priority.value, "channel": ticket.channel.value},
    )
    clock = _later(rng, ticket.created_at, now, 2)
    if tier != 1:
        clock = _move(ticket, tier, rng, clock, now, agents)
    ticket.team = teams.get(ticket.tier)
    if ticket.tier == 4:
        ticket.vendor = ticket.team
        ticket.vendor_reference = f"CC-{rng.randint(10000, 99999)}"
        ticket.vendor_due_at = (ticket.tier_entered_at + timedelta(hours=48)).replace(second=0, microsecond=0)
    agent = agents[max(1, ticket.tier)]
    answered = status is not Status.new
    clock = _conversation(ticket, agent, answered, rng, clock, now)
    if answered:
        ticket.status = Status.open  # the first agent reply opened it
        if rng.random() < 0.6:
            ticket.assignee = agent
            _event(
                ticket,
                ActivityKind.ticket_assigned,
                f"{ticket.reference} assigned to {agent.name}",
                clock,
                agent,
                {"assignee_id": agent.id, "team_id": ticket.team.id if ticket.team else None},
            )
    if status in (Status.pending, Status.on_hold, Status.solved, Status.closed):
        clock = _later(rng, clock, now, 24)
        _status(ticket, Status.open, status if status is not Status.closed else Status.solved, clock, agent)
    if status is Status.closed:
        if rng.random() < 0.6:
            _rating(ticket, rng, _later(rng, clock, now, 48))
        clock = _later(rng, clock, now, 96)
        _status(ticket, Status.solved, Status.closed, clock, agent)
    elif status is Status.solved and rng.random() < 0.6:
        _rating(ticket, rng, _later(rng, clock, now, 48))
    ticket.updated_at = clock


def _status(ticket: Ticket, old: Status, new: Status, when: datetime, agent: User) -> None:
    ticket.status = new
    if new is Status.solved:
        ticket.solved_at = when
    if new is Status.closed:
        ticket.closed_at = when
    kind = {Status.solved: ActivityKind.ticket_solved, Status.closed: ActivityKind.ticket_closed}.get(
        new, ActivityKind.status_changed
    )
    _event(
        ticket,
        kind,
        f"{ticket.reference}: {old.value.replace('_', ' ')} → {new.value.replace('_', ' ')}",
        when,
        agent,
        {"from": old.value, "to": new.value, "tier": tier_label(ticket.tier)},
    )


def _move(
    ticket: Ticket, tier: int, rng: random.Random, when: datetime, now: datetime, agents: dict[int, User]
) -> datetime:
    """Walk the ticket to its tier through recorded tier changes, as agents would have."""
    steps = [0] if tier == 0 else list(range(2, tier + 1))
    for to_tier in steps:
        code, reason = (
            data.DEFLECTION
            if to_tier == 0
            else data.VENDOR_REASON
            if to_tier == 4
            else rng.choice(data.ESCALATIONS)
        )
        actor, from_tier = agents[max(1, ticket.tier)], ticket.tier
        db.session.add(
            TierChange(
                ticket_id=ticket.id,
                from_tier=from_tier,
                to_tier=to_tier,
                cause=TierChangeCause.manual,
                reason=reason,
                reason_code=ReasonCode(code),
                actor=actor,
                created_at=when,
            )
        )
        direction = "escalated" if to_tier > from_tier else "de-escalated"
        _event(
            ticket,
            ActivityKind.tier_changed,
            f"{ticket.reference} {direction} {tier_label(from_tier)} → {tier_label(to_tier)} "
            f"(manual: {actor.name}): {reason}",
            when,
            actor,
            {
                "from": from_tier,
                "to": to_tier,
                "cause": "manual",
                "reason": reason,
                "reason_code": code,
                "rule": None,
            },
        )
        ticket.escalation_count += 1 if to_tier > from_tier else 0
        ticket.tier, ticket.tier_entered_at = to_tier, when
        when = _later(rng, when, now, 20)
    return when


def _conversation(
    ticket: Ticket, agent: User, answered: bool, rng: random.Random, when: datetime, now: datetime
) -> datetime:
    """One to four public messages, the agent first (an unanswered ticket has only the
    customer's follow-up), and sometimes an internal note."""
    for turn in range(rng.randint(1, 4) if answered else 1):
        from_agent = answered and turn % 2 == 0
        body = rng.choice(data.AGENT_LINES if from_agent else data.CUSTOMER_LINES)
        author = agent if from_agent else ticket.customer.user
        db.session.add(
            Message(
                ticket_id=ticket.id,
                author=author,
                body=body,
                author_kind=AuthorKind.agent if from_agent else AuthorKind.customer,
                created_at=when,
            )
        )
        if from_agent and ticket.first_responded_at is None:
            ticket.first_responded_at = when
        kind = ActivityKind.agent_replied if from_agent else ActivityKind.customer_replied
        who = agent.name if from_agent else ticket.customer.name
        _event(ticket, kind, f"{who} replied on {ticket.reference}", when, author)
        when = _later(rng, when, now, 30)
    if rng.random() < 0.35:
        db.session.add(
            Message(
                ticket_id=ticket.id,
                author=agent,
                author_kind=AuthorKind.agent,
                internal=True,
                body=rng.choice(data.NOTES),
                created_at=when,
            )
        )
        _event(
            ticket,
            ActivityKind.note_added,
            f"{agent.name} added an internal note on {ticket.reference}",
            when,
            agent,
        )
    return when


def _rating(ticket: Ticket, rng: random.Random, when: datetime) -> None:
    rating = rng.choices((1, 2, 3, 4, 5), weights=(1, 1, 2, 4, 5))[0]
    db.session.add(
        CsatAnswer(
            ticket_id=ticket.id,
            customer_id=ticket.customer_id,
            rating=rating,
            comment=rng.choice(data.CSAT_COMMENTS),
            created_at=when,
            updated_at=when,
        )
    )
    _event(
        ticket,
        ActivityKind.csat_received,
        f"{ticket.customer.name} rated {ticket.reference} {rating}/5",
        when,
        ticket.customer.user,
        {"rating": rating},
    )


def _event(
    ticket: Ticket,
    kind: ActivityKind,
    summary: str,
    when: datetime,
    actor: User | None,
    details: dict | None = None,
) -> None:
    db.session.add(
        Activity(
            kind=kind.value,
            summary=summary,
            created_at=when,
            ticket_id=ticket.id,
            customer_id=ticket.customer_id,
            organization_id=ticket.organization_id,
            actor=actor,
            data=details or {},
        )
    )
