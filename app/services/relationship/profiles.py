"""What the desk shows about a customer or an organization: facts, figures, health, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.domain.errors import NotFound
from app.domain.relationship import HealthScore, suggest_loyalty
from app.domain.vocabulary import ACTIVE_STATUSES, LoyaltySegment
from app.extensions import db
from app.models import Activity, Customer, Organization, Ticket, User
from app.models.types import utcnow
from app.services.common.access import require_staff
from app.services.common.rows import find_row
from app.services.relationship.figures import (
    Figures,
    contact_ids,
    customer_health,
    figures,
    organization_health,
)

SIDEBAR_EVENTS = 10
SIDEBAR_TICKETS = 10


@dataclass(frozen=True, slots=True)
class Profile:
    customer: Customer | None
    organization: Organization | None
    figures: Figures
    health: HealthScore
    suggested_loyalty: LoyaltySegment | None
    open_tickets: list[Ticket]


def _suggestion(org: Organization | None, health: HealthScore, total: int) -> LoyaltySegment | None:
    if org is not None and org.loyalty_segment is not None:
        return None
    return suggest_loyalty(health, total)


def _open_tickets(customer_ids: list[int], exclude: int | None = None) -> list[Ticket]:
    query = (
        select(Ticket)
        .where(Ticket.customer_id.in_(customer_ids), Ticket.status.in_(ACTIVE_STATUSES))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(SIDEBAR_TICKETS)
    )
    if exclude is not None:
        query = query.where(Ticket.id != exclude)
    return list(db.session.scalars(query)) if customer_ids else []


def customer_profile(actor: User, customer_id: int, now: datetime | None = None) -> Profile:
    require_staff(actor)
    now = now or utcnow()
    customer = db.session.scalars(
        select(Customer)
        .where(Customer.id == customer_id)
        .options(joinedload(Customer.organization).joinedload(Organization.account_manager))
    ).first()
    if customer is None:
        raise NotFound("No such customer.")
    numbers = figures([customer.id], now)
    health = customer_health(customer.id, now)
    return Profile(
        customer,
        customer.organization,
        numbers,
        health,
        _suggestion(customer.organization, health, numbers.total_tickets),
        _open_tickets([customer.id]),
    )


def organization_profile(actor: User, organization_id: int, now: datetime | None = None) -> Profile:
    require_staff(actor)
    now = now or utcnow()
    org = find_row(Organization, organization_id)
    if org is None:
        raise NotFound("No such organization.")
    ids = contact_ids(org.id)
    numbers = figures(ids, now)
    health = organization_health(org.id, now)
    return Profile(
        None, org, numbers, health, _suggestion(org, health, numbers.total_tickets), _open_tickets(ids)
    )


@dataclass(frozen=True, slots=True)
class Sidebar:
    health: HealthScore
    suggested_loyalty: LoyaltySegment | None
    other_open: list[Ticket]
    events: list[Activity]


def ticket_sidebar(ticket: Ticket, now: datetime | None = None) -> Sidebar:
    """Beside a ticket: the customer's health, their other open tickets, their last events."""
    now = now or utcnow()
    health = customer_health(ticket.customer_id, now)
    events = list(
        db.session.scalars(
            select(Activity)
            .where(Activity.customer_id == ticket.customer_id)
            .order_by(Activity.created_at.desc(), Activity.id.desc())
            .limit(SIDEBAR_EVENTS)
        )
    )
    return Sidebar(
        health,
        _suggestion(ticket.organization, health, 0),
        _open_tickets([ticket.customer_id], exclude=ticket.id),
        events,
    )
