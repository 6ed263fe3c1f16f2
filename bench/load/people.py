"""The people a load run signs in as: customers with portal logins in one demo organization, and
agents at tiers 1–3 in their tier's team, all with one password."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from app.domain.vocabulary import Role
from app.extensions import db
from app.models import Customer, Organization, Team, User
from app.models.types import utcnow
from app.services.accounts.passwords import hash_password

PASSWORD = "load-test-password-7391"


@dataclass(frozen=True, slots=True)
class Person:
    email: str
    tier: int | None  # None: a customer


def make_people(app: Flask, customers: int, agents: int, run: str) -> list[Person]:
    """Add the run's accounts (emails carry the run id, so runs on one database never collide)."""
    people: list[Person] = []
    with app.app_context():
        password = hash_password(PASSWORD)
        now = utcnow()
        org = db.session.scalars(select(Organization).order_by(Organization.id)).first()
        teams = {
            team.tier: team.id for team in db.session.scalars(select(Team).where(Team.is_external.is_(False)))
        }
        for n in range(customers):
            email = f"customer{n}.{run}@load.test"
            user = User(email=email, name=f"Load customer {n}", role=Role.customer, password_hash=password)
            user.email_verified_at = now
            db.session.add(Customer(name=user.name, email=email, organization=org, user=user))
            people.append(Person(email, None))
        for n in range(agents):
            tier = 1 + n % 3
            email = f"agent{n}.{run}@load.test"
            db.session.add(
                User(
                    email=email,
                    name=f"Load agent {n}",
                    role=Role.agent,
                    support_tier=tier,
                    team_id=teams.get(tier),
                    password_hash=password,
                    email_verified_at=now,
                )
            )
            people.append(Person(email, tier))
        db.session.commit()
    return people
