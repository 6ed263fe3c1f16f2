"""Importing organizations and contacts from CSV: check everything, then write all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.domain.audit import AuditKind
from app.domain.contact_rows import ParsedFile, read_rows
from app.domain.errors import InvalidInput
from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import Customer, Organization, User
from app.models.types import utcnow
from app.services.accounts.accounts import normalize_email
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.history import record
from app.services.common.statistics import refresh_statistics
from app.services.common.transaction import transaction
from app.services.relationship.risk_rank import rank_organization

CHUNK = 900


@dataclass(slots=True)
class ImportReport:
    orgs_created: int = 0
    orgs_updated: int = 0
    contacts_created: int = 0
    contacts_updated: int = 0
    errors: list[str] = field(default_factory=list)
    applied: bool = False
    # Addresses of people who registered themselves and have not confirmed their address: they
    # join no organization (and see none of its tickets) until they do.
    held_back: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        text = (
            f"{self.orgs_created} organizations created, {self.orgs_updated} updated; "
            f"{self.contacts_created} contacts created, {self.contacts_updated} updated"
        )
        if self.held_back:
            text += (
                f"; {len(self.held_back)} not linked to their organization until they confirm "
                f"their email address ({', '.join(self.held_back[:5])}"
                f"{', …' if len(self.held_back) > 5 else ''})"
            )
        return text


def import_contacts(
    actor: User, data: bytes, *, dry_run: bool = False, now: datetime | None = None
) -> ImportReport:
    """An admin imports a CSV; see app/domain/contact_rows.py for the columns."""
    require_admin(actor)
    return import_contacts_as_system(data, dry_run=dry_run, now=now, actor=actor)


def _chunks(items: list) -> list[list]:
    return [items[n : n + CHUNK] for n in range(0, len(items), CHUNK)]


def _existing(
    parsed: ParsedFile, emails: dict[int, str]
) -> tuple[dict[str, Organization], dict[str, Customer]]:
    orgs: dict[str, Organization] = {}
    for names in _chunks(list(parsed.organizations)):
        for org in db.session.scalars(select(Organization).where(func.lower(Organization.name).in_(names))):
            orgs[org.name.lower()] = org
    people: dict[str, Customer] = {}
    for chunk in _chunks(sorted(set(emails.values()))):
        for customer in db.session.scalars(select(Customer).where(func.lower(Customer.email).in_(chunk))):
            people[customer.email.lower()] = customer
    return orgs, people


def _unconfirmed(people: dict[str, Customer]) -> set[str]:
    """The addresses among these contacts whose sign-in account has not confirmed its address."""
    by_user = {c.user_id: email for email, c in people.items() if c.user_id is not None}
    found: set[str] = set()
    for chunk in _chunks(sorted(by_user)):
        query = select(User.id).where(User.id.in_(chunk), User.email_verified_at.is_(None))
        found.update(by_user[user_id] for user_id in db.session.scalars(query))
    return found


def import_contacts_as_system(
    data: bytes, *, dry_run: bool = False, now: datetime | None = None, actor: User | None = None
) -> ImportReport:
    """The import itself, for the CLI (no signed-in person) and for admins."""
    now = now or utcnow()
    parsed = read_rows(data)
    report = ImportReport(errors=list(parsed.errors))
    emails: dict[int, str] = {}
    for contact in parsed.contacts:
        try:
            emails[contact.line] = normalize_email(contact.email)
        except InvalidInput:
            report.errors.append(f"line {contact.line}: '{contact.email}' is not an email address")
    if report.errors:
        report.errors.sort(key=lambda e: int(e.split(":")[0].split()[-1]) if e.startswith("line") else 0)
        return report
    orgs, people = _existing(parsed, emails)
    for key, row in parsed.organizations.items():
        existing = orgs.get(key)
        if existing is None:
            report.orgs_created += 1
        elif (
            existing.account_tier,
            existing.lifecycle_stage,
            existing.loyalty_segment,
            existing.lifetime_value,
            existing.timezone,
        ) != (
            row.account_tier,
            row.lifecycle_stage,
            row.loyalty_segment,
            row.lifetime_value_cents,
            row.timezone,
        ):
            report.orgs_updated += 1
    unconfirmed = _unconfirmed(people)
    for contact in parsed.contacts:
        email = emails[contact.line]
        if email in people:
            report.contacts_updated += 1
            if email in unconfirmed and email not in report.held_back:
                report.held_back.append(email)
        else:
            report.contacts_created += 1
    if dry_run:
        return report
    with transaction():
        _apply(parsed, emails, orgs, people, now, actor, set(report.held_back))
        audit(
            AuditKind.contacts_imported,
            f"Import: {report.summary}",
            actor=actor,
            now=now,
            data={"held_back": report.held_back},
        )
        record(
            ActivityKind.customers_imported,
            f"Import: {report.summary}",
            now=now,
            actor=actor,
            data={
                "orgs_created": report.orgs_created,
                "orgs_updated": report.orgs_updated,
                "contacts_created": report.contacts_created,
                "contacts_updated": report.contacts_updated,
            },
        )
    report.applied = True
    refresh_statistics(full=True)  # a bulk load: the planner should know the new sizes
    return report


def _apply(
    parsed: ParsedFile,
    emails: dict[int, str],
    orgs: dict[str, Organization],
    people: dict[str, Customer],
    now: datetime,
    actor: User | None,
    held_back: set[str],
) -> None:
    for key, row in parsed.organizations.items():
        org = orgs.get(key)
        if org is None:
            org = Organization(
                name=row.name,
                created_at=now,
                account_tier=row.account_tier,
                lifecycle_stage=row.lifecycle_stage,
            )
            db.session.add(org)
            orgs[key] = org
        else:
            for attribute, kind in (
                ("account_tier", ActivityKind.account_tier_changed),
                ("lifecycle_stage", ActivityKind.lifecycle_changed),
            ):
                old, new = getattr(org, attribute), getattr(row, attribute)
                if old != new:
                    db.session.flush()
                    record(
                        kind,
                        f"Import changed {org.name}'s {attribute.replace('_', ' ')}: "
                        f"{old.value} → {new.value}",
                        now=now,
                        actor=actor,
                        organization_id=org.id,
                        data={"from": old.value, "to": new.value},
                    )
        org.account_tier, org.lifecycle_stage = row.account_tier, row.lifecycle_stage
        org.loyalty_segment, org.lifetime_value = row.loyalty_segment, row.lifetime_value_cents
        org.timezone = row.timezone
    db.session.flush()
    for org in orgs.values():
        rank_organization(org)  # account tier and lifetime value are parts of the risk rank
    for contact in parsed.contacts:
        email = emails[contact.line]
        customer = people.get(email)
        if customer is None:
            customer = Customer(email=email, created_at=now)
            db.session.add(customer)
            people[email] = customer
        customer.name = contact.name
        if email not in held_back:
            customer.organization_id = orgs[contact.organization.lower()].id
