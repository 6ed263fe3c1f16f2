"""Checking what an admin types about an organization: every problem at once, each on its field."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput, attempt, raise_all
from app.domain.vocabulary import AccountTier, LifecycleStage, LoyaltySegment

NAME_MAX_LENGTH = 160
MAX_LIFETIME_VALUE = Decimal("1e13")


@dataclass(frozen=True, slots=True)
class OrganizationFacts:
    name: str
    account_tier: AccountTier
    lifecycle_stage: LifecycleStage
    loyalty_segment: LoyaltySegment | None
    lifetime_value: int  # minor units
    timezone: str | None
    account_manager_id: int | None


def parse_money(text: str | None, field: str = "lifetime_value") -> int:
    """An amount such as '12,500.50' in minor units; empty is 0."""
    raw = (text or "").strip().replace(",", "").replace(" ", "")
    if not raw:
        return 0
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput(
            f"'{text}' is not an amount; write it as 12500 or 12500.50.", field=field
        ) from None
    if not value.is_finite() or value < 0 or value > MAX_LIFETIME_VALUE:
        raise InvalidInput("Give an amount from 0 up to 10,000,000,000,000.", field=field)
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput("Give the amount with at most 2 decimals.", field=field)
    return int(value * 100)


def check_timezone(text: str | None, field: str = "timezone") -> str | None:
    name = (text or "").strip()
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"'{name}' is not a timezone name such as Europe/Berlin.", field=field) from None
    return name


def check_organization(
    *,
    name: str | None,
    account_tier: str | None,
    lifecycle_stage: str | None,
    loyalty_segment: str | None,
    lifetime_value: str | None,
    timezone: str | None,
    account_manager_id: int | None,
) -> OrganizationFacts:
    """The organization's facts, or Problems naming every field that is wrong."""
    problems: list[InvalidInput] = []
    clean_name = " ".join((name or "").split())
    if not clean_name or len(clean_name) > NAME_MAX_LENGTH:
        problems.append(InvalidInput(f"Give a name of at most {NAME_MAX_LENGTH} characters.", field="name"))
    tier = attempt(problems, lambda: parse_choice(AccountTier, account_tier, "account_tier"))
    stage = attempt(problems, lambda: parse_choice(LifecycleStage, lifecycle_stage, "lifecycle_stage"))
    loyalty = attempt(
        problems, lambda: parse_choice(LoyaltySegment, loyalty_segment, "loyalty_segment", optional=True)
    )
    value = attempt(problems, lambda: parse_money(lifetime_value))
    zone = attempt(problems, lambda: check_timezone(timezone))
    raise_all(problems)
    assert tier is not None and stage is not None and value is not None
    return OrganizationFacts(clean_name, tier, stage, loyalty, value, zone, account_manager_id)
