"""What each demo ticket's story will be, drawn from a seeded random generator before anything
is written: who asks what, when, where the ticket ends up and what happens on the way.

Active tickets are recent and finished ones spread over the last 60 days, as on a real desk: an
open ticket opened weeks ago would have been chased by the sweep long since."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from app.demo import data
from app.demo.lines import DESCRIPTIONS
from app.domain.vocabulary import Category, Channel, Priority, Status
from app.models import Customer

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
# A few new tickets have waited long enough to be late: the queues show a real mix.
LATE_NEW_SHARE = 0.2

Choice = TypeVar("Choice")


@dataclass(frozen=True, slots=True)
class TicketPlan:
    """One ticket's story before it is told (app.demo.tickets tells it through the services)."""

    customer: Customer
    category: Category
    subject: str
    description: str
    priority: Priority
    channel: Channel
    status: Status
    tier: int
    opened_at: datetime
    assign: bool
    question_round: bool  # the agent asks, the ticket waits on the customer, the customer answers
    note: bool
    hand_back: bool  # a specialist sees it one tier up and hands it back with instructions
    follow_up: bool  # the customer writes again after the agent's last word, or before any
    rating: int | None
    vendor_reference: str


def _pick(rng: random.Random, weights: dict[Choice, int]) -> Choice:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _opened_at(rng: random.Random, status: Status, now: datetime) -> datetime:
    if status is Status.new:
        if rng.random() < LATE_NEW_SHARE:
            return now - timedelta(hours=rng.uniform(1, 6))
        return now - timedelta(minutes=rng.uniform(3, 50))
    if status is Status.open:
        return now - timedelta(hours=rng.uniform(1, 10))
    if status in (Status.pending, Status.on_hold):
        return now - timedelta(hours=rng.uniform(3, 5 * 24))
    if status is Status.solved:
        return now - timedelta(days=rng.uniform(1, 6))
    return now - timedelta(days=rng.uniform(7, 60))


def plan_ticket(n: int, rng: random.Random, now: datetime, customers: list[Customer]) -> TicketPlan:
    """The demo customer gets every twelfth ticket; the rest go to any contact."""
    customer = customers[0] if n % 12 == 0 else rng.choice(customers)
    category = rng.choice(list(Category))
    subject = rng.choice(data.SUBJECTS[category.value])
    status, tier = _pick(rng, STATUS_WEIGHTS), _pick(rng, TIER_WEIGHTS)
    done = status in (Status.solved, Status.closed)
    return TicketPlan(
        customer=customer,
        category=category,
        subject=subject,
        description=DESCRIPTIONS[subject],
        priority=_pick(rng, PRIORITY_WEIGHTS),
        channel=rng.choice(list(Channel)),
        status=status,
        tier=tier,
        opened_at=_opened_at(rng, status, now),
        assign=rng.random() < 0.6,
        question_round=rng.random() < 0.2,
        note=rng.random() < 0.25,
        hand_back=tier in (1, 2) and rng.random() < 0.15,
        follow_up=rng.random() < 0.5,
        rating=rng.choices((1, 2, 3, 4, 5), weights=(1, 1, 2, 4, 5))[0]
        if done and rng.random() < 0.6
        else None,
        vendor_reference=f"CC-{rng.randint(10000, 99999)}",
    )
