"""What the service-level admin pages read: the policy matrix, the default policy, the calendars."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.domain.vocabulary import AccountTier, Priority
from app.extensions import db
from app.models import BusinessCalendar, SlaPolicy, User
from app.services.common.access import require_admin


@dataclass(frozen=True)
class SlaOverview:
    calendars: list[BusinessCalendar]
    matrix: dict[tuple[AccountTier | None, Priority | None], SlaPolicy]
    default: SlaPolicy | None


def list_calendars(actor: User) -> list[BusinessCalendar]:
    """Every business calendar by name (the overview and a policy's calendar choices)."""
    require_admin(actor)
    return list(db.session.scalars(select(BusinessCalendar).order_by(BusinessCalendar.name)))


def sla_overview(actor: User) -> SlaOverview:
    """The policies laid out as the account tier × priority matrix, beside the calendars."""
    require_admin(actor)
    policies = list(db.session.scalars(select(SlaPolicy).order_by(SlaPolicy.name)))
    return SlaOverview(
        calendars=list_calendars(actor),
        matrix={(p.account_tier, p.priority): p for p in policies if not p.is_default},
        default=next((p for p in policies if p.is_default), None),
    )


def list_policies(actor: User) -> list[SlaPolicy]:
    """Every SLA policy by name, with its calendar."""
    require_admin(actor)
    return list(db.session.scalars(select(SlaPolicy).order_by(SlaPolicy.name)))
