"""The tickets behind a figure: the same facts the roll-ups counted, narrowed to the figure's
metric, key, tier and the report's filters, newest day first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from app.domain.errors import InvalidInput
from app.domain.report_days import midnight
from app.extensions import db
from app.models import Ticket
from app.services.reports.facts import Fact, facts_between
from app.services.reports.read import ReportFilters
from app.services.reports.zone import counted_zone

METRICS = (
    "created",
    "solved",
    "reopened",
    "reply",
    "deflected",
    "deflected_article",
    "tier_in",
    "tier_up",
    "tier_down",
    "esc_reason",
    "dwell",
    "sla_met",
    "sla_breach",
    "sla_warn",
    "frt",
    "ttr",
    "csat",
    "kb_seen",
    "kb_sent",
    "vendor_back",
)
LIMIT = 200


@dataclass(frozen=True, slots=True)
class Drill:
    metric: str
    key: str | None
    tickets: list[Ticket]
    more: bool


def _matches(fact: Fact, filters: ReportFilters, metric: str, key: str | None) -> bool:
    d = fact.dims
    return (
        fact.metric == metric
        and fact.ticket_id is not None
        and (key is None or fact.key == key)
        and (filters.tier is None or fact.tier == filters.tier)
        and (filters.team is None or d.team_id == filters.team)
        and (filters.agent is None or fact.agent == filters.agent)
        and (filters.priority is None or d.priority == filters.priority)
        and (filters.channel is None or d.channel == filters.channel)
        and (filters.account_tier is None or d.account_tier == filters.account_tier)
        and (filters.policy is None or d.policy_id == filters.policy)
        and (filters.organization is None or d.organization_id == filters.organization)
    )


def drill_down(filters: ReportFilters, args: Mapping[str, str]) -> Drill:
    """Up to LIMIT tickets behind one figure."""
    metric = args.get("metric") or ""
    if metric not in METRICS:
        raise InvalidInput("That figure has no tickets behind it.", field="metric")
    key = args.get("key") or None
    ids: list[int] = []
    day, zone = filters.range.end, counted_zone()
    while day >= filters.range.start and len(ids) <= LIMIT:
        for fact in facts_between(midnight(day, zone), midnight(day + timedelta(days=1), zone)):
            if _matches(fact, filters, metric, key) and fact.ticket_id not in ids:
                ids.append(fact.ticket_id)  # type: ignore[arg-type]
        day -= timedelta(days=1)
    shown = ids[:LIMIT]
    tickets = {t.id: t for t in db.session.scalars(select(Ticket).where(Ticket.id.in_(shown)))}
    return Drill(metric, key, [tickets[i] for i in shown if i in tickets], len(ids) > LIMIT)
