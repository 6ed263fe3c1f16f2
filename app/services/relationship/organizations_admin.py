"""Admins keeping organizations: the list, creating one, and editing every account fact (each
change a history event, the whole save one audit entry)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.domain.account_facts import OrganizationFacts
from app.domain.audit import AuditKind
from app.domain.errors import InvalidInput, NotFound
from app.domain.ids import parse_row_id
from app.domain.vocabulary import ActivityKind, Role
from app.extensions import db
from app.models import Customer, Organization, User
from app.models.types import utcnow
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.history import record
from app.services.common.rows import find_row
from app.services.common.transaction import transaction
from app.services.relationship.risk_rank import rank_organization

PAGE_SIZE = 50
HISTORY_KINDS = {
    "account_tier": ActivityKind.account_tier_changed,
    "lifecycle_stage": ActivityKind.lifecycle_changed,
    "loyalty_segment": ActivityKind.loyalty_changed,
}


@dataclass(frozen=True, slots=True)
class OrganizationRow:
    organization: Organization
    contacts: int


@dataclass(frozen=True, slots=True)
class OrganizationList:
    rows: list[OrganizationRow]
    next_after: str | None


def list_organizations(
    actor: User, *, search: str | None = None, after: str | None = None
) -> OrganizationList:
    """Organizations by name (a page at a time, keyset on the id within the name order), with
    how many contacts each has; `search` matches a part of the name."""
    require_admin(actor)
    contacts = (
        select(func.count(Customer.id))
        .where(Customer.organization_id == Organization.id)
        .correlate(Organization)
        .scalar_subquery()
    )
    query = select(Organization, contacts).order_by(Organization.id)
    words = " ".join((search or "").split())[:160]
    if words:
        query = query.where(func.lower(Organization.name).contains(words.lower(), autoescape=True))
    if after:
        after_id = parse_row_id(after)
        if after_id is None:
            raise InvalidInput("That page link is broken; start from the first page.", field="after")
        query = query.where(Organization.id > after_id)
    rows = [OrganizationRow(org, count) for org, count in db.session.execute(query.limit(PAGE_SIZE + 1))]
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return OrganizationList(rows, str(rows[-1].organization.id) if more else None)


def get_organization(actor: User, organization_id: int) -> Organization:
    require_admin(actor)
    org = find_row(Organization, organization_id)
    if org is None:
        raise NotFound("No such organization.")
    return org


def account_managers(actor: User) -> list[User]:
    """The active staff who may look after an account."""
    require_admin(actor)
    query = select(User).where(User.role.in_((Role.agent, Role.admin)), User.active.is_(True))
    return list(db.session.scalars(query.order_by(User.name)))


def save_organization(
    actor: User,
    facts: OrganizationFacts,
    *,
    organization_id: int | None = None,
    now: datetime | None = None,
) -> Organization:
    """Create an organization, or change its name and account facts (checked by
    domain.account_facts.check_organization)."""
    now = now or utcnow()
    require_admin(actor)
    if facts.account_manager_id is not None:
        manager = find_row(User, facts.account_manager_id)
        if manager is None or not manager.is_staff or not manager.active:
            raise InvalidInput("Choose an active agent or admin as account manager.", field="account_manager")
    with transaction():
        clash = db.session.scalars(
            select(Organization).where(func.lower(Organization.name) == facts.name.lower())
        ).first()
        if clash is not None and clash.id != organization_id:
            raise InvalidInput("An organization with this name exists already.", field="name")
        if organization_id is None:
            org = Organization(name=facts.name, created_at=now)
            db.session.add(org)
            old: dict[str, object] = {}
        else:
            org = get_organization(actor, organization_id)
            old = {key: getattr(org, key) for key in _FIELDS}
        for key in _FIELDS:
            setattr(org, key, getattr(facts, key))
        db.session.flush()
        changed = {
            key: (old.get(key), getattr(org, key)) for key in _FIELDS if old.get(key) != getattr(org, key)
        }
        if organization_id is not None and not changed:
            raise InvalidInput("Nothing changed.", field="name")
        for key, kind in HISTORY_KINDS.items():
            if organization_id is not None and key in changed:
                before, after = changed[key]
                record(
                    kind,
                    f"{actor.name} changed {org.name}'s {key.replace('_', ' ')}: "
                    f"{_word(before)} → {_word(after)}",
                    now=now,
                    actor=actor,
                    organization_id=org.id,
                    data={"from": _word(before, None), "to": _word(after, None)},
                )
        words = (
            "created"
            if organization_id is None
            else "changed " + ", ".join(k.replace("_", " ") for k in changed)
        )
        audit(
            AuditKind.organization_saved,
            f"{actor.name} {words} of {org.name}" if organization_id else f"{actor.name} created {org.name}",
            actor=actor,
            now=now,
            data={
                "organization_id": org.id,
                "changed": {k: [_word(a, None), _word(b, None)] for k, (a, b) in changed.items()},
            },
        )
        record(
            ActivityKind.organization_saved,
            f"{actor.name} {'created' if organization_id is None else 'edited'} {org.name}",
            now=now,
            actor=actor,
            organization_id=org.id,
        )
        if "account_tier" in changed or "lifetime_value" in changed:
            rank_organization(org)  # both are parts of the risk rank
    return org


_FIELDS = (
    "name",
    "account_tier",
    "lifecycle_stage",
    "loyalty_segment",
    "lifetime_value",
    "timezone",
    "account_manager_id",
)


def _word(value: object, none: str | None = "none") -> str | None:
    if value is None:
        return none
    return str(getattr(value, "value", value))
