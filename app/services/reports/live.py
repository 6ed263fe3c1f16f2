"""The figures that describe the desk now rather than a day: the open backlog by tier and age,
and the accounts at risk. Read from the tickets through the queue and status indexes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select

from app.domain.sla_vocabulary import SlaBadge
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
    """Open tickets per (tier, age bucket)."""
    age: Any = case(
        *[(Ticket.created_at > now - timedelta(days=days), name) for name, days in AGE_BUCKETS if days],
        else_=AGE_BUCKETS[-1][0],
    )
    query = (
        select(Ticket.tier, age, func.count()).where(*_ticket_criteria(filters)).group_by(Ticket.tier, age)
    )
    return {(tier, bucket): count for tier, bucket, count in db.session.execute(query)}


def open_count(filters: ReportFilters) -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket).where(*_ticket_criteria(filters))) or 0


@dataclass(frozen=True, slots=True)
class AccountRisk:
    organization_id: int
    name: str
    account_tier: str
    lifetime_value: int
    health: int
    open_tickets: int
    open_breaches: int


def accounts_at_risk(filters: ReportFilters, limit: int = 10) -> list[AccountRisk]:
    """Accounts with open tickets whose health is low and that have a breach open or a high
    lifetime value, lowest health first. Health is the one the risk rank keeps on each open
    ticket (tenths of risk points: 100 - 4 × points)."""
    breached = func.sum(case((Ticket.sla_badge == SlaBadge.breached, 1), else_=0))
    worst = func.max(Ticket.risk_health)
    query = (
        select(Ticket.organization_id, func.count(), breached, worst)
        .where(*_ticket_criteria(filters), Ticket.organization_id.is_not(None))
        .group_by(Ticket.organization_id)
    )
    found = []
    for org_id, count, breaches, health_tenths in db.session.execute(query):
        health = max(0, round(100 - 4 * (health_tenths or 0) / 10))
        found.append((org_id, count, int(breaches or 0), health))
    risky = [f for f in found if f[3] < RISK_HEALTH]
    orgs = {
        o.id: o
        for o in db.session.scalars(select(Organization).where(Organization.id.in_([f[0] for f in risky])))
    }
    out = [
        AccountRisk(
            org_id,
            orgs[org_id].name,
            orgs[org_id].account_tier.value,
            orgs[org_id].lifetime_value,
            health,
            count,
            breaches,
        )
        for org_id, count, breaches, health in risky
        if breaches or orgs[org_id].lifetime_value >= HIGH_VALUE
    ]
    out.sort(key=lambda a: (a.health, -a.open_breaches, -a.lifetime_value))
    return out[:limit]


def health_distribution(filters: ReportFilters) -> dict[str, int]:
    """Accounts with open tickets per health band of 20 points."""
    worst = func.max(Ticket.risk_health)
    query = (
        select(Ticket.organization_id, worst)
        .where(*_ticket_criteria(filters), Ticket.organization_id.is_not(None))
        .group_by(Ticket.organization_id)
    )
    bands = {f"{low}–{low + 19 if low < 80 else 100}": 0 for low in range(0, 100, 20)}
    for _, tenths in db.session.execute(query):
        health = max(0, round(100 - 4 * (tenths or 0) / 10))
        low = min(80, health // 20 * 20)
        bands[f"{low}–{low + 19 if low < 80 else 100}"] += 1
    return bands
