"""Admins keeping contacts: create and edit one (name, address, organization, organization
admin), and merge two contacts who are one person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update

from app.domain.audit import AuditKind
from app.domain.errors import InvalidInput, NotFound, attempt, raise_all
from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import (
    Activity,
    CsatAnswer,
    Customer,
    KbSearch,
    Organization,
    RiskRecheck,
    SlaEvent,
    Ticket,
    User,
)
from app.models.types import utcnow
from app.services.accounts.accounts import normalize_email
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.history import record
from app.services.common.rows import find_row
from app.services.common.transaction import transaction
from app.services.relationship.risk_rank import rank_customers


@dataclass(frozen=True, slots=True)
class ContactFacts:
    name: str
    email: str
    organization_id: int | None
    is_org_admin: bool = False


def get_contact(actor: User, customer_id: int) -> Customer:
    require_admin(actor)
    customer = find_row(Customer, customer_id)
    if customer is None:
        raise NotFound("No such contact.")
    return customer


def organization_contacts(actor: User, organization_id: int) -> list[Customer]:
    require_admin(actor)
    query = select(Customer).where(Customer.organization_id == organization_id)
    return list(db.session.scalars(query.order_by(Customer.name, Customer.id)))


def contact_by_email(actor: User, email: str) -> Customer | None:
    require_admin(actor)
    address = " ".join((email or "").split()).lower()
    return db.session.scalars(select(Customer).where(Customer.email == address)).first() if address else None


def _checked(facts: ContactFacts, customer_id: int | None) -> tuple[str, str, Organization | None]:
    problems: list[InvalidInput] = []
    name = " ".join((facts.name or "").split())
    if not name or len(name) > 120:
        problems.append(InvalidInput("Give a name (at most 120 characters).", field="name"))
    email = attempt(problems, lambda: normalize_email(facts.email))
    if email is not None:
        taken = db.session.scalars(select(Customer).where(Customer.email == email)).first()
        if taken is not None and taken.id != customer_id:
            problems.append(
                InvalidInput(f"{taken.name} has this address already; merge the two instead.", field="email")
            )
    org = find_row(Organization, facts.organization_id) if facts.organization_id is not None else None
    if facts.organization_id is not None and org is None:
        problems.append(InvalidInput("No such organization.", field="organization"))
    if facts.is_org_admin and facts.organization_id is None:
        problems.append(
            InvalidInput("Only a contact of an organization can be its admin.", field="is_org_admin")
        )
    raise_all(problems)
    assert email is not None
    return name, email, org


def save_contact(
    actor: User, facts: ContactFacts, *, customer_id: int | None = None, now: datetime | None = None
) -> Customer:
    """Create a contact or change one; a contact with a portal sign-in signs in with the new
    address, and an organization admin sees every ticket of the organization in the portal."""
    now = now or utcnow()
    require_admin(actor)
    with transaction():
        name, email, org = _checked(facts, customer_id)
        customer = get_contact(actor, customer_id) if customer_id is not None else Customer(created_at=now)
        before = (customer.name, customer.email, customer.organization_id, customer.is_org_admin)
        if customer.user is not None and customer.email != email:
            other = db.session.scalars(select(User).where(User.email == email)).first()
            if other is not None and other.id != customer.user_id:
                raise InvalidInput("Someone else signs in with this address.", field="email")
            customer.user.email = email
            customer.user.email_verified_at = None
        customer.name, customer.email = name, email
        customer.organization_id = org.id if org else None
        customer.is_org_admin = facts.is_org_admin
        db.session.add(customer)
        db.session.flush()
        after = (name, email, customer.organization_id, facts.is_org_admin)
        if customer_id is not None and before == after:
            raise InvalidInput("Nothing changed.", field="name")
        what = "created" if customer_id is None else "changed"
        admin_words = " (organization admin)" if facts.is_org_admin else ""
        audit(
            AuditKind.contact_saved,
            f"{actor.name} {what} contact {email}{admin_words}",
            actor=actor,
            email=email,
            now=now,
            data={
                "customer_id": customer.id,
                "before": list(before) if customer_id is not None else None,
                "after": list(after),
            },
        )
        record(
            ActivityKind.contact_saved,
            f"{actor.name} {what} contact {name}{admin_words}",
            now=now,
            actor=actor,
            customer_id=customer.id,
            organization_id=customer.organization_id,
        )
    return customer


@dataclass(frozen=True, slots=True)
class MergeReport:
    survivor: Customer
    tickets: int
    events: int


def merge_contacts(
    actor: User, survivor_id: int, merged_id: int, *, now: datetime | None = None
) -> MergeReport:
    """One person known as two contacts: the survivor takes the other's tickets, ratings,
    history, breaches and searches (and their portal sign-in when it has none), then the other
    contact is removed. All of it in one transaction, audited."""
    now = now or utcnow()
    require_admin(actor)
    if survivor_id == merged_id:
        raise InvalidInput("Choose two different contacts.", field="other")
    with transaction():
        survivor = get_contact(actor, survivor_id)
        merged = get_contact(actor, merged_id)
        moved = update(Ticket).where(Ticket.customer_id == merged.id)
        tickets = db.session.scalar(select(func.count()).where(Ticket.customer_id == merged.id)) or 0
        events = db.session.scalar(select(func.count()).where(Activity.customer_id == merged.id)) or 0
        db.session.execute(
            moved.values(customer_id=survivor.id, organization_id=survivor.organization_id),
            execution_options={"synchronize_session": False},
        )
        for model in (Activity, CsatAnswer, SlaEvent, KbSearch):
            db.session.execute(
                update(model).where(model.customer_id == merged.id).values(customer_id=survivor.id),
                execution_options={"synchronize_session": False},
            )
        db.session.execute(delete(RiskRecheck).where(RiskRecheck.customer_id == merged.id))
        login = merged.user
        if login is not None:
            if survivor.user_id is None:
                merged.user_id = None
                db.session.flush()
                survivor.user_id = login.id
            else:
                login.active = False  # one person, one sign-in: the survivor's
        summary = (
            f"{actor.name} merged contact {merged.email} into {survivor.email}: "
            f"{tickets} ticket(s), {events} history event(s) moved"
        )
        audit(
            AuditKind.contacts_merged,
            summary,
            actor=actor,
            email=survivor.email,
            now=now,
            data={
                "survivor_id": survivor.id,
                "merged_id": merged.id,
                "merged_email": merged.email,
                "tickets": tickets,
            },
        )
        record(
            ActivityKind.contacts_merged,
            summary,
            now=now,
            actor=actor,
            customer_id=survivor.id,
            organization_id=survivor.organization_id,
        )
        db.session.delete(merged)
        db.session.flush()
        rank_customers([survivor.id], now)  # their health now counts both contacts' tickets
    db.session.expire_all()
    return MergeReport(get_contact(actor, survivor_id), tickets, events)
