"""Test data with overrides: make_ticket(tier=2, priority="urgent")."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from app.domain.tickets import format_reference
from app.domain.vocabulary import AccountTier, LifecycleStage, Role, Status
from app.extensions import db
from app.models import Customer, Message, Organization, Team, Ticket, User
from app.services.accounts.passwords import hash_password

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


def make_user(**overrides) -> User:
    n = _n()
    password = overrides.pop("password", PASSWORD)
    values = {
        "email": f"user{n}@example.test",
        "name": f"User {n}",
        "role": Role.customer,
        "password_hash": hash_password(password),
    }
    values.update(overrides)
    user = User(**values)
    db.session.add(user)
    db.session.commit()
    return user


def make_team(**overrides) -> Team:
    n = _n()
    values = {"name": f"Team {n}", "tier": 1}
    values.update(overrides)
    team = Team(**values)
    db.session.add(team)
    db.session.commit()
    return team


def make_agent(tier: int = 1, **overrides) -> User:
    overrides.setdefault("name", f"Agent tier {tier} #{_n()}")
    return make_user(role=Role.agent, support_tier=tier, **overrides)


def make_admin(**overrides) -> User:
    return make_user(role=Role.admin, support_tier=4, **overrides)


def make_org(**overrides) -> Organization:
    n = _n()
    values = {
        "name": f"Org {n}",
        "account_tier": AccountTier.named,
        "lifecycle_stage": LifecycleStage.retention,
        "lifetime_value": 1_250_000,
    }
    values.update(overrides)
    org = Organization(**values)
    db.session.add(org)
    db.session.commit()
    return org


def make_customer(with_user: bool = True, **overrides) -> Customer:
    """A contact; with_user gives them a portal login (customer.user)."""
    n = _n()
    org = overrides.pop("organization", None)
    if org is None and "organization_id" not in overrides:
        org = make_org()
    email = overrides.pop("email", f"customer{n}@example.test")
    name = overrides.pop("name", f"Customer {n}")
    user = make_user(email=email, name=name, role=Role.customer) if with_user else None
    customer = Customer(
        name=name,
        email=email,
        organization_id=org.id if org else overrides.pop("organization_id"),
        user_id=user.id if user else None,
        **overrides,
    )
    db.session.add(customer)
    db.session.commit()
    return customer


def make_ticket(customer: Customer | None = None, **overrides) -> Ticket:
    customer = customer or make_customer()
    created = overrides.pop("created_at", datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    values = {
        "subject": "Cannot export invoices",
        "description": "The export button does nothing.",
        "customer_id": customer.id,
        "organization_id": customer.organization_id,
        "status": Status.open,
        "tier": 1,
        "created_at": created,
        "updated_at": created,
        "tier_entered_at": created,
    }
    values.update(overrides)
    ticket = Ticket(**values)
    db.session.add(ticket)
    db.session.flush()
    ticket.reference = format_reference("TD", ticket.id)
    db.session.commit()
    return ticket


def make_message(ticket: Ticket, author: User | None = None, **overrides) -> Message:
    values = {
        "ticket_id": ticket.id,
        "author_id": author.id if author else None,
        "author_kind": "agent" if author is not None and author.is_staff else "customer",
        "body": "Hello",
        "internal": False,
        "created_at": ticket.created_at,
    }
    values.update(overrides)
    message = Message(**values)
    db.session.add(message)
    db.session.commit()
    return message


def signed_in(app, user: User):
    """A test client of its own, signed in as `user` (for two people at once)."""
    client = app.test_client()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    return client
