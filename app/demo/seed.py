"""Demo data: organizations, people and about 200 tickets, so the desk has something to show.

Deterministic (a seeded random generator) and idempotent: it does nothing when the demo admin
exists already. People, organizations and tickets go in with one transaction; the starter rules,
service levels, articles and SLA clocks follow through their own services.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.demo import data
from app.demo.kb import seed_knowledge_base
from app.demo.tickets import new_ticket, write_story
from app.domain.tickets import format_reference
from app.domain.vocabulary import ActivityKind, Role, Status
from app.extensions import db
from app.models import Activity, Customer, Organization, Team, Ticket, User
from app.models.types import utcnow
from app.services.accounts.accounts import hash_password
from app.services.common.statistics import refresh_statistics
from app.services.common.transaction import transaction
from app.services.relationship.risk_rank import rank_all_active
from app.services.rules.defaults import install_default_rules
from app.services.sla import clock as sla_clock
from app.services.sla.clock_pass import ClockPass
from app.services.sla.setup import install_default_sla
from app.services.tickets.canned_replies import save_canned

TICKETS = 200


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
        # All tickets go in with one INSERT; their stories need the ids for references.
        tickets = [new_ticket(n, rng, now, customers) for n in range(TICKETS)]
        db.session.add_all(tickets)
        db.session.flush()
        prefix = current_app.config["TICKET_REFERENCE_PREFIX"]
        for ticket in tickets:
            ticket.reference = format_reference(prefix, ticket.id)
            write_story(ticket, rng, now, teams, agents)
        _touchpoints(customers, admin, rng, now)
    install_default_rules(admin, now=now)
    install_default_sla(admin, now=now)
    seed_knowledge_base(admin, agents[2], now)
    for title, body in data.CANNED_REPLIES:
        save_canned(admin, title=title, body=body, shared=True, now=now)
    _start_clocks(now, rng)
    rank_all_active(now)
    refresh_statistics(full=True)
    return SeedResult(
        True,
        f"Demo data loaded: {len(customers)} customers, {TICKETS} tickets. "
        f"Sign in as {data.ADMIN_EMAIL} with the password "
        f"'{data.DEMO_PASSWORD}'.",
    )


def _start_clocks(now: datetime, rng: random.Random) -> None:
    """Give the active demo tickets running SLA clocks, started within the last few hours, so
    the queues show a mix of on-time, warned and late tickets."""
    with transaction(), db.session.no_autoflush:
        active = list(
            db.session.scalars(
                select(Ticket)
                .where(Ticket.status.in_((Status.new, Status.open, Status.pending, Status.on_hold)))
                .order_by(Ticket.id)
            )
        )
        clocks = ClockPass()
        for ticket in active:
            # No clocks yet: tell the clock hooks so, as the sweep does, and skip their queries.
            clocks.preload(ticket.id, [], None)
            started = now - timedelta(minutes=rng.randint(0, 6 * 60))
            sla_clock.start_ticket(ticket, started, clocks)
            if ticket.status in sla_clock.PAUSED_STATUSES:
                sla_clock.on_status_change(ticket, Status.open, ticket.status, started, clocks)
            sla_clock.refresh(ticket, now, clocks)


def _user(
    email: str,
    name: str,
    role: Role,
    password: str,
    now: datetime,
    tier: int | None = None,
    team: Team | None = None,
) -> User:
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=password,
        support_tier=tier,
        team=team,
        created_at=now - timedelta(days=400),
    )
    db.session.add(user)
    return user


def _staff(password: str, now: datetime) -> tuple[dict[int, Team], dict[int, User]]:
    teams, agents = {}, {}
    for email, name, tier, team_name in data.STAFF:
        vendor = tier == 4
        team = Team(
            name=team_name,
            tier=tier,
            is_external=vendor,
            created_at=now,
            vendor_target_hours=48 if vendor else None,
            vendor_pauses_clock=vendor,
        )
        db.session.add(team)
        teams[tier] = team
        agents[tier] = _user(email, name, Role.agent, password, now, tier=tier, team=team)
    return teams, agents


def _customers(
    admin: User, agents: dict[int, User], password: str, now: datetime, rng: random.Random
) -> list[Customer]:
    customers = []
    for index, (name, tier, stage, loyalty, value) in enumerate(data.ORGANIZATIONS):
        manager = admin if tier.value in ("strategic", "named") else agents[1]
        org = Organization(
            name=name,
            account_tier=tier,
            lifecycle_stage=stage,
            loyalty_segment=loyalty,
            lifetime_value=value * 100,
            account_manager=manager,
            created_at=now - timedelta(days=700),
            timezone=data.TIMEZONES[index % len(data.TIMEZONES)],
        )
        db.session.add(org)
        for n in range(3):
            first = data.FIRST_NAMES[(index * 3 + n) % len(data.FIRST_NAMES)]
            last = data.LAST_NAMES[(index * 5 + n) % len(data.LAST_NAMES)]
            domain = name.split()[0].lower()
            email = (
                data.CUSTOMER_EMAIL if index == 0 and n == 0 else (f"{first.lower()}.{n}@{domain}.demo.test")
            )
            customer = Customer(
                name=f"{first} {last}",
                email=email,
                organization=org,
                created_at=now - timedelta(days=rng.randint(60, 600)),
            )
            if email == data.CUSTOMER_EMAIL:
                customer.user = _user(email, customer.name, Role.customer, password, now)
                customer.user.email_verified_at = now  # the demo customer's mail needs no confirming
            db.session.add(customer)
            customers.append(customer)
    return customers


def _touchpoints(customers: list[Customer], admin: User, rng: random.Random, now: datetime) -> None:
    for customer in customers:
        for _ in range(rng.randint(0, 2)):
            kind, summary = rng.choice(data.TOUCHPOINTS)
            db.session.add(
                Activity(
                    kind=ActivityKind.touchpoint.value,
                    actor=admin,
                    customer_id=customer.id,
                    organization_id=customer.organization_id,
                    data={"touchpoint": kind},
                    summary=f"{kind.replace('_', ' ').capitalize()}: {summary}",
                    created_at=now - timedelta(days=rng.uniform(1, 120)),
                )
            )
