"""Demo data: organizations, people and about 200 tickets, so the desk has something to show.

Deterministic (a seeded random generator) and idempotent: it does nothing when the demo admin
exists already. People and organizations are written directly; the starter rules, service levels
and canned replies are set up through their services as of 61 days ago, and then every ticket's
story is told through the ticket services at the times it happened (app.demo.tickets), so its
clocks, breaches and history agree with its conversation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from app.demo import data
from app.demo.kb import seed_knowledge_base, seed_self_service
from app.demo.plans import plan_ticket
from app.demo.tickets import Cast, tell_story
from app.domain.vocabulary import ActivityKind, Role
from app.extensions import db
from app.models import Activity, Customer, Notification, Organization, Team, User
from app.models.types import utcnow
from app.services.accounts.passwords import hash_password
from app.services.common.statistics import refresh_statistics
from app.services.common.transaction import transaction
from app.services.relationship.risk_refresh import rank_all_active
from app.services.rules.defaults import install_default_rules
from app.services.sla.setup import install_default_sla
from app.services.tickets.canned_replies import save_canned

TICKETS = 200
HISTORY_DAYS = 61


@dataclass(frozen=True, slots=True)
class SeedResult:
    created: bool
    message: str


def seed_demo(
    only_if_empty: bool = False, *, now: datetime | None = None, tickets: int = TICKETS
) -> SeedResult:
    """Load the demo data set unless it (or, with only_if_empty, any user) is there already.

    Fewer `tickets` tell only the first stories: the same people and set-up, in a fraction of
    the time (tests about the accounts need no more)."""
    if db.session.scalar(select(User.id).where(User.email == data.ADMIN_EMAIL)) is not None:
        return SeedResult(False, "Demo data is already loaded; nothing changed.")
    if only_if_empty and db.session.scalar(select(func.count()).select_from(User)):
        return SeedResult(False, "The database has users already; demo data not loaded.")
    now = now or utcnow()
    since = now - timedelta(days=HISTORY_DAYS)
    rng = random.Random(2026)
    # One transaction: the use cases below join it, so a failure leaves nothing half-loaded.
    with transaction():
        password = hash_password(data.DEMO_PASSWORD)
        admin = _user(data.ADMIN_EMAIL, "Ada Brennan", Role.admin, password, now, tier=4)
        teams, agents = _staff(password, now)
        customers = _customers(admin, agents, password, now, rng)
        db.session.flush()
        # The desk was set up before the first ticket of the story arrived.
        install_default_rules(admin, now=since)
        install_default_sla(admin, now=since)
        for title, body in data.CANNED_REPLIES:
            save_canned(admin, title=title, body=body, shared=True, now=since)
        plans = [plan_ticket(n, rng, now, customers) for n in range(tickets)]
        cast = Cast(agents, teams[4], now, rng)
        for plan in sorted(plans, key=lambda p: p.opened_at):
            tell_story(plan, cast)
        _touchpoints(customers, admin, rng, now)
        _delivered(now)
    articles = seed_knowledge_base(admin, agents[2], since)
    seed_self_service(customers, articles, rng, since, now)
    rank_all_active(now)
    refresh_statistics(full=True)
    return SeedResult(
        True,
        f"Demo data loaded: {len(customers)} customers, {tickets} tickets. "
        f"Sign in as {data.ADMIN_EMAIL} with the password "
        f"'{data.DEMO_PASSWORD}'.",
    )


def _delivered(now: datetime) -> None:
    """The notices of the story went out when they were due: only what is still held waits."""
    db.session.flush()
    db.session.execute(
        update(Notification)
        .where(Notification.sent_at.is_(None))
        .where(func.coalesce(Notification.not_before, Notification.created_at) <= now)
        .values(sent_at=func.coalesce(Notification.not_before, Notification.created_at))
    )


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
            created_at=now - timedelta(days=400),
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
            # Every contact has a portal account (the stories have them reply and rate), its
            # address confirmed: demo mail needs no confirming.
            customer.user = _user(email, customer.name, Role.customer, password, now)
            customer.user.email_verified_at = now
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
