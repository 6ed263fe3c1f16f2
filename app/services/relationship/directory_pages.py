"""Customers and organizations a page at a time for the desk's integrations (staff only):
narrowed by the facts the desk keeps, in id order, by a keyset cursor (an id), so page 1,000
costs what page 1 does."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute

from app.domain.errors import InvalidInput
from app.domain.ids import parse_row_id
from app.domain.vocabulary import AccountTier, LifecycleStage, LoyaltySegment
from app.extensions import db
from app.models import Customer, Organization, User
from app.services.common.access import require_staff
from app.services.common.pagination import Page
from app.services.relationship.customer_lookup import END

NAME_MAX_LENGTH = 160


@dataclass(frozen=True, slots=True)
class CustomerFilters:
    organization_id: int | None = None
    email: str | None = None
    name_starts: str | None = None
    is_org_admin: bool | None = None


@dataclass(frozen=True, slots=True)
class OrganizationFilters:
    name_contains: str | None = None
    account_tier: AccountTier | None = None
    lifecycle_stage: LifecycleStage | None = None
    loyalty_segment: LoyaltySegment | None = None
    account_manager_id: int | None = None


@dataclass(frozen=True, slots=True)
class OrganizationEntry:
    organization: Organization
    contacts: int


def _after_id(after: str | None) -> int | None:
    if not after:
        return None
    after_id = parse_row_id(after)
    if after_id is None:
        raise InvalidInput("That page link is broken; start from the first page.", field="after")
    return after_id


def _words(text: str | None) -> str:
    return " ".join((text or "").split())[:NAME_MAX_LENGTH]


def _keyset(query: Select, id_column: InstrumentedAttribute[int], after: str | None, size: int) -> list:
    after_id = _after_id(after)
    if after_id is not None:
        query = query.where(id_column > after_id)
    return list(db.session.execute(query.order_by(id_column).limit(size + 1)))


def customer_page(
    actor: User, filters: CustomerFilters, *, after: str | None = None, size: int = 50
) -> Page[Customer]:
    """Contacts in id order; `name_starts` is a prefix of the name as stored (an index range)."""
    require_staff(actor)
    criteria: list[ColumnElement[bool]] = []
    if filters.organization_id is not None:
        criteria.append(Customer.organization_id == filters.organization_id)
    if filters.email:
        criteria.append(Customer.email == filters.email.strip().lower())  # stored lower case
    prefix = _words(filters.name_starts)
    if prefix:
        criteria.append(
            (Customer.name >= prefix)
            & (Customer.name < prefix + END)
            & Customer.name.startswith(prefix, autoescape=True)
        )
    if filters.is_org_admin is not None:
        criteria.append(Customer.is_org_admin == filters.is_org_admin)
    rows = [row[0] for row in _keyset(select(Customer).where(*criteria), Customer.id, after, size)]
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, str(rows[-1].id) if more else None)


def organization_page(
    actor: User, filters: OrganizationFilters, *, after: str | None = None, size: int = 50
) -> Page[OrganizationEntry]:
    """Organizations in id order with how many contacts each has."""
    require_staff(actor)
    contacts = (
        select(func.count(Customer.id))
        .where(Customer.organization_id == Organization.id)
        .correlate(Organization)
        .scalar_subquery()
    )
    criteria: list[ColumnElement[bool]] = []
    words = _words(filters.name_contains)
    if words:
        criteria.append(func.lower(Organization.name).contains(words.lower(), autoescape=True))
    for column, value in (
        (Organization.account_tier, filters.account_tier),
        (Organization.lifecycle_stage, filters.lifecycle_stage),
        (Organization.loyalty_segment, filters.loyalty_segment),
        (Organization.account_manager_id, filters.account_manager_id),
    ):
        if value is not None:
            criteria.append(column == value)
    query = select(Organization, contacts).where(*criteria)
    rows = [OrganizationEntry(org, count) for org, count in _keyset(query, Organization.id, after, size)]
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, str(rows[-1].organization.id) if more else None)
