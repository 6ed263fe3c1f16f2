"""Agents and admins changing an account's relationship facts and logging touchpoints."""

from __future__ import annotations

from datetime import datetime

from app.domain.access import can_change_account_facts
from app.domain.audit import AuditKind
from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.vocabulary import (
    AccountTier,
    ActivityKind,
    LifecycleStage,
    LoyaltySegment,
    TouchpointKind,
)
from app.extensions import db
from app.models import Customer, Organization, User
from app.models.types import utcnow
from app.services.audit.record import audit
from app.services.common.access import require_staff
from app.services.common.history import record
from app.services.common.rows import find_row
from app.services.common.transaction import transaction
from app.services.relationship.risk_rank import rank_organization

SUMMARY_MAX_LENGTH = 500


def update_account(
    actor: User,
    organization_id: int,
    *,
    account_tier: str,
    lifecycle_stage: str,
    loyalty_segment: str | None,
    now: datetime | None = None,
) -> Organization:
    """Change an organization's account tier, lifecycle stage and loyalty segment; each change
    becomes a history event."""
    now = now or utcnow()
    if not actor.active or not can_change_account_facts(actor.as_actor()):
        raise NotAllowed("Only admins change an organization's account facts.")
    changes = (
        (
            "account_tier",
            parse_choice(AccountTier, account_tier, "account_tier"),
            ActivityKind.account_tier_changed,
        ),
        (
            "lifecycle_stage",
            parse_choice(LifecycleStage, lifecycle_stage, "lifecycle_stage"),
            ActivityKind.lifecycle_changed,
        ),
        (
            "loyalty_segment",
            parse_choice(LoyaltySegment, loyalty_segment, "loyalty_segment", optional=True),
            ActivityKind.loyalty_changed,
        ),
    )
    with transaction():
        org = find_row(Organization, organization_id)
        if org is None:
            raise NotFound("No such organization.")
        changed = False
        for attribute, value, kind in changes:
            old = getattr(org, attribute)
            if old == value:
                continue
            changed = True
            setattr(org, attribute, value)
            words = attribute.replace("_", " ")
            record(
                kind,
                f"{actor.name} changed {org.name}'s {words}: "
                f"{old.value if old else 'none'} → {value.value if value else 'none'}",
                now=now,
                actor=actor,
                organization_id=org.id,
                data={"from": old.value if old else None, "to": value.value if value else None},
            )
        if not changed:
            raise InvalidInput("Nothing changed.", field="account_tier")
        audit(
            AuditKind.account_facts_changed,
            f"{actor.name} changed the account facts of {org.name}",
            actor=actor,
            now=now,
            data={"organization_id": org.id, **{name: str(value) for name, value, _ in changes}},
        )
        db.session.flush()
        rank_organization(org)
    return org


def log_touchpoint(
    actor: User,
    *,
    kind: str,
    summary: str,
    customer_id: int | None = None,
    organization_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """A relationship event outside tickets (a call, an event, a promotion) in the history."""
    now = now or utcnow()
    require_staff(actor)
    touch = parse_choice(TouchpointKind, kind, "kind")
    summary = " ".join((summary or "").split())
    if not summary:
        raise InvalidInput("Say in a sentence what happened.", field="summary")
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise InvalidInput(f"Keep it under {SUMMARY_MAX_LENGTH} characters.", field="summary")
    with transaction():
        if customer_id is not None:
            customer = find_row(Customer, customer_id)
            if customer is None:
                raise NotFound("No such customer.")
            organization_id = customer.organization_id
        elif organization_id is None or find_row(Organization, organization_id) is None:
            raise NotFound("No such organization.")
        record(
            ActivityKind.touchpoint,
            f"{touch.value.replace('_', ' ').capitalize()}: {summary}",
            now=now,
            actor=actor,
            customer_id=customer_id,
            organization_id=organization_id,
            data={"touchpoint": touch.value},
        )
