"""The figures that describe the desk now rather than a day: the open backlog by tier and age,
and the accounts at risk. Read from the tickets through the queue and status indexes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select

from app.domain.sla_vocabulary import SlaBadge
from app.domain.tiers import MAX_TIER
from app.domain.vocabulary import ACTIVE_STATUSES
from app.extensions import db
from app.models import Organization, Ticket
from app.services.reports.read import ReportFilters

AGE_BUCKETS = (("< 1 day", 1), ("1–3 days", 3), ("3–7 days", 7), ("1–4 weeks", 28), ("older", None))
# Health below this, with a breach open or a lifetime value above the next figure, is at risk.
RISK_HEALTH = 60
HIGH_VALUE = 5_000_000  # minor units


def _ticket_criteria(filters: ReportFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Ticket.status.in_(ACTIVE_STATUSES)]
    for column, value in (
        (Ticket.tier, filters.tier),
        (Ticket.team_id, filters.team),
        (Ticket.assignee_id, filters.agent),
        (Ticket.priority, filters.priority),
        (Ticket.channel, filters.channel),
        (Ticket.sla_policy_id, filters.policy),
        (Ticket.organization_id, filters.organization),
    ):
        if value is not None:
            where.append(column == value)
    if filters.account_tier is not None:
        where.append(
            Ticket.organization_id.in_(
                select(Organization.id).where(Organization.account_tier == filters.account_tier)
            )
        )
    return where


def backlog(filters: ReportFilters, now: datetime) -> dict[tuple[int, str], int]:
    """Open tickets per (tier, age bucket). Unfiltered by tier, every tier is named so that the
    read seeks each (tier, status) of the queue index and counts its entries without the rows."""
    age: Any = case(
        *[(Ticket.created_at > now - timedelta(days=days), name) for name, days in AGE_BUCKETS if days],
        else_=AGE_BUCKETS[-1][0],
    )
    where = _ticket_criteria(filters)
    if filters.tier is None:
        where.append(Ticket.tier.in_(range(MAX_TIER + 1)))
    query = select(Ticket.tier, age, func.count()).where(*where).group_by(Ticket.tier, age)
    return {(tier, bucket): count for tier, bucket, count in db.session.execute(query)}


def open_count(filters: ReportFilters) -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket).where(*_ticket_criteria(filters))) or 0


@dataclass(frozen=True, slots=True)
class OpenAccount:
    """An account with open tickets: how many, how many breached, and its worst health."""

    organization_id: int
    open_tickets: int
    open_breaches: int
    health: int


@dataclass(frozen=True, slots=True)
class AccountRisk:
    organization_id: int
    name: str
    account_tier: str
    lifetime_value: int
    health: int
    open_tickets: int
    open_breaches: int


def health_of(risk_tenths: int) -> int:
    """An account's health from the risk rank's health part (tenths of risk points)."""
    return max(0, round(100 - 4 * risk_tenths / 10))


def open_accounts(filters: ReportFilters) -> list[OpenAccount]:
    """Every account with open tickets, from the status-and-account index alone when the filters
    name no other ticket field. Health is the one the risk rank keeps on each open ticket."""
    breached = func.sum(case((Ticket.sla_badge == SlaBadge.breached, 1), else_=0))
    query = (
        select(Ticket.organization_id, func.count(), breached, func.max(Ticket.risk_health))
        .where(*_ticket_criteria(filters), Ticket.organization_id.is_not(None))
        .group_by(Ticket.organization_id)
    )
    return [
        OpenAccount(org_id, count, int(breaches or 0), health_of(tenths or 0))
        for org_id, count, breaches, tenths in db.session.execute(query)
    ]


def accounts_at_risk(
    filters: ReportFilters, limit: int | None = 10, accounts: list[OpenAccount] | None = None
) -> list[AccountRisk]:
    """Accounts with open tickets whose health is low and that have a breach open or a high
    lifetime value, lowest health first (all of them when `limit` is None)."""
    risky = [a for a in (open_accounts(filters) if accounts is None else accounts) if a.health < RISK_HEALTH]
    orgs = {
        o.id: o
        for o in db.session.scalars(
            select(Organization).where(Organization.id.in_([a.organization_id for a in risky]))
        )
    }
    out = [
        AccountRisk(
            a.organization_id,
            orgs[a.organization_id].name,
            orgs[a.organization_id].account_tier.value,
            orgs[a.organization_id].lifetime_value,
            a.health,
            a.open_tickets,
            a.open_breaches,
        )
        for a in risky
        if a.open_breaches or orgs[a.organization_id].lifetime_value >= HIGH_VALUE
    ]
    out.sort(key=lambda a: (a.health, -a.open_breaches, -a.lifetime_value))
    return out if limit is None else out[:limit]


def health_distribution(accounts: list[OpenAccount]) -> dict[str, int]:
    """Accounts with open tickets per health band of 20 points."""
    bands = {f"{low}–{low + 19 if low < 80 else 100}": 0 for low in range(0, 100, 20)}
    for account in accounts:
        low = min(80, account.health // 20 * 20)
        bands[f"{low}–{low + 19 if low < 80 else 100}"] += 1
    return bands
