"""Demo data: organizations, people and about 200 tickets, so the desk has something to show.

Deterministic (a seeded random generator) and idempotent: it does nothing when the demo admin
exists already. Everything is added in one transaction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.domain.tickets import format_reference
from app.domain.vocabulary import (
    ActivityKind,
    AuthorKind,
    Category,
    Channel,
    Priority,
    ReasonCode,
    Role,
    Status,
    TierChangeCause,
)
from app.extensions import db
from app.models import (
    Activity,
    CsatAnswer,
    Customer,
    Message,
    Organization,
    Team,
    Ticket,
    TierChange,
    User,
)
from app.models.types import utcnow
from app.services import demo_data as data
from app.services import sla_clock
from app.services.accounts import hash_password
from app.services.default_rules import install_default_rules
from app.services.demo_kb import seed_knowledge_base
from app.services.sla_setup import install_default_sla
from app.services.unit_of_work import transaction

TICKETS = 200
STATUS_WEIGHTS = {Status.new: 3, Status.open: 5, Status.pending: 2, Status.on_hold: 1,
                  Status.solved: 3, Status.closed: 2}
TIER_WEIGHTS = {0: 1, 1: 6, 2: 3, 3: 2, 4: 1}
PRIORITY_WEIGHTS = {Priority.low: 2, Priority.normal: 5, Priority.high: 2, Priority.urgent: 1}


@dataclass(frozen=True, slots=True)
class SeedResult:
    created: bool
    message: str


def seed_demo(only_if_empty: bool = False, *, now: datetime | None = None) -> SeedResult:
    """Load the demo data set unless it (or, with only_if_empty, any user) is there already."""
    if db.session.scalar(select(User.id).where(User.email == data.ADMIN_EMAIL)) is not None:
        return SeedResult(False, "Demo data is already loaded; nothing changed.")
    if only_if_empty and db.session.scalar(select(func.count()).select_from(User)):
        return SeedResult(False, "The database has users already; demo data not loaded.")
    now = now or utcnow()
    rng = random.Random(2026)
    with transaction():
        password = hash_password(data.DEMO_PASSWORD)
        admin = _user(data.ADMIN_EMAIL, "Ada Admin", Role.admin, password, now, tier=4)
        teams, agents = _staff(password, now)
        customers = _customers(admin, agents, password, now, rng)
        db.session.flush()
        for n in range(TICKETS):
            _ticket(n, rng, now, customers, teams, agents)
        _touchpoints(customers, admin, rng, now)
    install_default_rules(admin, now=now)
    install_default_sla(admin, now=now)
    seed_knowledge_base(admin, agents[2], now)
    _start_clocks(now, rng)
    return SeedResult(True, f"Demo data loaded: {len(customers)} customers, {TICKETS} tickets. "
                            f"Sign in as {data.ADMIN_EMAIL} with the password "
                            f"'{data.DEMO_PASSWORD}'.")


def _start_clocks(now: datetime, rng: random.Random) -> None:
    """Give the active demo tickets running SLA clocks, started within the last few hours, so
    the queues show a mix of on-time, warned and late tickets."""
    with transaction():
        active = db.session.scalars(select(Ticket).where(Ticket.status.in_(
            (Status.new, Status.open, Status.pending, Status.on_hold))).order_by(Ticket.id))
        for ticket in active:
            started = now - timedelta(minutes=rng.randint(0, 6 * 60))
            sla_clock.start_ticket(ticket, started)
            if ticket.status in sla_clock.PAUSED_STATUSES:
                sla_clock.on_status_change(ticket, Status.open, ticket.status, started)
            sla_clock.refresh(ticket, now)


def _user(email: str, name: str, role: Role, password: str, now: datetime,
          tier: int | None = None, team: Team | None = None) -> User:
    user = User(email=email, name=name, role=role, password_hash=password, support_tier=tier,
                team=team, created_at=now - timedelta(days=400))
    db.session.add(user)
    return user


def _staff(password: str, now: datetime) -> tuple[dict[int, Team], dict[int, User]]:
    teams, agents = {}, {}
    for email, name, tier, team_name in data.STAFF:
        team = Team(name=team_name, tier=tier, is_external=tier == 4, created_at=now)
        db.session.add(team)
        teams[tier] = team
        agents[tier] = _user(email, name, Role.agent, password, now, tier=tier, team=team)
    return teams, agents


def _customers(admin: User, agents: dict[int, User], password: str, now: datetime,
               rng: random.Random) -> list[Customer]:
    customers = []
    for index, (name, tier, stage, loyalty, value) in enumerate(data.ORGANIZATIONS):
        manager = admin if tier.value in ("strategic", "named") else agents[1]
        org = Organization(name=name, account_tier=tier, lifecycle_stage=stage,
                           loyalty_segment=loyalty, lifetime_value=value * 100,
                           account_manager=manager, created_at=now - timedelta(days=700),
                           timezone=data.TIMEZONES[index % len(data.TIMEZONES)])
        db.session.add(org)
        for n in range(3):
            first = data.FIRST_NAMES[(index * 3 + n) % len(data.FIRST_NAMES)]
            last = data.LAST_NAMES[(index * 5 + n) % len(data.LAST_NAMES)]
            domain = name.split()[0].lower()
            email = data.CUSTOMER_EMAIL if index == 0 and n == 0 else (
                f"{first.lower()}.{n}@{domain}.demo.test")
            customer = Customer(name=f"{first} {last}", email=email, organization=org,
                                created_at=now - timedelta(days=rng.randint(60, 600)))
            if email == data.CUSTOMER_EMAIL:
                customer.user = _user(email, customer.name, Role.customer, password, now)
            db.session.add(customer)
            customers.append(customer)
    return customers


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _ticket(n: int, rng: random.Random, now: datetime, customers: list[Customer],
            teams: dict[int, Team], agents: dict[int, User]) -> None:
    customer = customers[0] if n % 12 == 0 else rng.choice(customers)
    category = rng.choice(list(Category))
    created = now - timedelta(days=rng.uniform(0, 60))
    status, tier = _pick(rng, STATUS_WEIGHTS), _pick(rng, TIER_WEIGHTS)
    ticket = Ticket(
        subject=rng.choice(data.SUBJECTS[category.value]),
        description=" ".join(rng.sample(data.CUSTOMER_LINES, 2)),
        customer=customer, organization=customer.organization, category=category,
        channel=rng.choice(list(Channel)), status=status, priority=_pick(rng, PRIORITY_WEIGHTS),
        tier=1, created_at=created, updated_at=created, tier_entered_at=created,
    )
    db.session.add(ticket)
    db.session.flush()
    ticket.reference = format_reference(current_app.config["TICKET_REFERENCE_PREFIX"], ticket.id)
    _event(ticket, ActivityKind.ticket_opened, f"{ticket.reference} opened: {ticket.subject}",
           created, customer.user)
    clock = created + timedelta(minutes=rng.randint(5, 90))
    if tier != 1:
        clock = _move(ticket, tier, rng, clock, teams, agents)
    if status is not Status.new:
        clock = _conversation(ticket, rng, clock, agents)
    if status in (Status.solved, Status.closed):
        ticket.solved_at = clock
        ticket.closed_at = clock + timedelta(days=4) if status is Status.closed else None
        if rng.random() < 0.6:
            _rating(ticket, rng, clock + timedelta(hours=rng.randint(1, 48)))
    if status is not Status.new and rng.random() < 0.6:
        ticket.assignee = agents[max(1, ticket.tier)]
    ticket.updated_at = min(clock, now)


def _move(ticket: Ticket, tier: int, rng: random.Random, when: datetime,
          teams: dict[int, Team], agents: dict[int, User]) -> datetime:
    """Walk the ticket to its tier through recorded tier changes, as agents would have."""
    steps = [0] if tier == 0 else list(range(2, tier + 1))
    for to_tier in steps:
        code, reason = (data.DEFLECTION if to_tier == 0 else
                        data.VENDOR_REASON if to_tier == 4 else rng.choice(data.ESCALATIONS))
        actor = agents[max(1, ticket.tier)]
        db.session.add(TierChange(ticket_id=ticket.id, from_tier=ticket.tier, to_tier=to_tier,
                                  cause=TierChangeCause.manual, reason=reason,
                                  reason_code=ReasonCode(code), actor=actor, created_at=when))
        _event(ticket, ActivityKind.tier_changed,
               f"{ticket.reference} moved tier {ticket.tier} → {to_tier} ({actor.name}): {reason}",
               when, actor, {"from": ticket.tier, "to": to_tier, "cause": "manual"})
        ticket.escalation_count += 1 if to_tier > ticket.tier else 0
        ticket.tier, ticket.tier_entered_at = to_tier, when
        when += timedelta(hours=rng.randint(1, 20))
    ticket.team = teams.get(ticket.tier)
    if ticket.tier == 4:
        ticket.vendor_reference = f"CC-{rng.randint(10000, 99999)}"
    return when


def _conversation(ticket: Ticket, rng: random.Random, when: datetime,
                  agents: dict[int, User]) -> datetime:
    agent = agents[max(1, ticket.tier)]
    for turn in range(rng.randint(1, 4)):
        from_agent = turn % 2 == 0
        body = rng.choice(data.AGENT_LINES if from_agent else data.CUSTOMER_LINES)
        author = agent if from_agent else ticket.customer.user
        db.session.add(Message(ticket_id=ticket.id, author=author, body=body,
                               author_kind=AuthorKind.agent if from_agent else AuthorKind.customer,
                               created_at=when))
        if from_agent and ticket.first_responded_at is None:
            ticket.first_responded_at = when
        kind = ActivityKind.agent_replied if from_agent else ActivityKind.customer_replied
        who = agent.name if from_agent else ticket.customer.name
        _event(ticket, kind, f"{who} replied on {ticket.reference}", when, author)
        when += timedelta(hours=rng.randint(1, 30))
    if rng.random() < 0.35:
        db.session.add(Message(ticket_id=ticket.id, author=agent, author_kind=AuthorKind.agent,
                               internal=True, body=rng.choice(data.NOTES), created_at=when))
        _event(ticket, ActivityKind.note_added,
               f"{agent.name} added an internal note on {ticket.reference}", when, agent)
    return when


def _rating(ticket: Ticket, rng: random.Random, when: datetime) -> None:
    rating = rng.choices((1, 2, 3, 4, 5), weights=(1, 1, 2, 4, 5))[0]
    comment = rng.choice(data.CSAT_COMMENTS)
    db.session.add(CsatAnswer(ticket_id=ticket.id, customer_id=ticket.customer.id, rating=rating,
                              comment=comment, created_at=when, updated_at=when))
    _event(ticket, ActivityKind.csat_received,
           f"{ticket.customer.name} rated {ticket.reference} {rating}/5", when,
           ticket.customer.user, {"rating": rating})


def _touchpoints(customers: list[Customer], admin: User, rng: random.Random,
                 now: datetime) -> None:
    for customer in customers:
        for _ in range(rng.randint(0, 2)):
            kind, summary = rng.choice(data.TOUCHPOINTS)
            db.session.add(Activity(
                kind=ActivityKind.touchpoint.value, actor=admin, customer_id=customer.id,
                organization_id=customer.organization_id, data={"touchpoint": kind},
                summary=f"{kind.replace('_', ' ').capitalize()}: {summary}",
                created_at=now - timedelta(days=rng.uniform(1, 120))))


def _event(ticket: Ticket, kind: ActivityKind, summary: str, when: datetime,
           actor: User | None, details: dict | None = None) -> None:
    db.session.add(Activity(kind=kind.value, summary=summary, created_at=when, ticket_id=ticket.id,
                            customer_id=ticket.customer.id, organization_id=ticket.organization_id,
                            actor=actor, data=details or {}))
