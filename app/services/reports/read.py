"""Reading the roll-ups: a viewer's filters and scope, then sums grouped by the wanted columns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select

from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput, NotAllowed
from app.domain.reports import DateRange, parse_range, period_start
from app.domain.tiers import MAX_TIER
from app.domain.vocabulary import AccountTier, Channel, Priority, Role
from app.extensions import db
from app.models import ReportRollup, User
from app.services.reports.zone import report_today

FILTER_FIELDS = ("tier", "team", "agent", "priority", "channel", "account_tier", "policy", "organization")


@dataclass(frozen=True, slots=True)
class ReportFilters:
    range: DateRange
    tier: int | None = None
    team: int | None = None
    agent: int | None = None
    priority: str | None = None
    channel: str | None = None
    account_tier: str | None = None
    policy: int | None = None
    organization: int | None = None

    def params(self, **extra: Any) -> dict[str, str]:
        """The filters as query parameters (for links to figures, exports and drill-downs)."""
        values = {k: v for k, v in asdict(self).items() if k in FILTER_FIELDS and v is not None}
        values.update(start=self.range.start.isoformat(), end=self.range.end.isoformat())
        values.update({k: v for k, v in extra.items() if v is not None})
        return {k: str(v) for k, v in values.items()}


def is_lead(actor: User) -> bool:
    """Admins lead the desk: they see every team's figures; an agent sees their own and their team's."""
    return actor.role is Role.admin


def _int(args: Mapping[str, str], name: str, low: int = 0, high: int | None = None) -> int | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    if not text.isdigit() or (high is not None and int(text) > high) or int(text) < low:
        raise InvalidInput(f"The {name.replace('_', ' ')} filter is not one we know.", field=name)
    return int(text)


def parse_report_filters(actor: User, args: Mapping[str, str]) -> ReportFilters:
    """Filters from a query string, narrowed to what the viewer may see."""
    if not actor.is_staff or not actor.active:
        raise NotAllowed("Only support staff can read reports.")
    filters = ReportFilters(
        range=parse_range(args.get("start"), args.get("end"), report_today()),
        tier=_int(args, "tier", 0, MAX_TIER),
        team=_int(args, "team", 1),
        agent=_int(args, "agent", 1),
        priority=_choice(Priority, args, "priority"),
        channel=_choice(Channel, args, "channel"),
        account_tier=_choice(AccountTier, args, "account_tier"),
        policy=_int(args, "policy", 1),
        organization=_int(args, "organization", 1),
    )
    return scoped(actor, filters)


def _choice(enum: Any, args: Mapping[str, str], name: str) -> str | None:
    value = parse_choice(enum, args.get(name) or None, name, optional=True, where="in reports")
    return None if value is None else str(value.value)


def scoped(actor: User, filters: ReportFilters) -> ReportFilters:
    """A lead sees everything; an agent in a team sees that team, one without a team only themself."""
    if is_lead(actor):
        return filters
    if actor.team_id is not None:
        if filters.team not in (None, actor.team_id):
            raise NotAllowed("You can read the reports of your own team.")
        return replace(filters, team=actor.team_id)
    if filters.agent not in (None, actor.id):
        raise NotAllowed("You can read your own figures.")
    return replace(filters, agent=actor.id)


SUMMARY_COLUMNS = frozenset(("metric", "day", "tier", "key"))
GRAIN_OF_COLUMN = {
    "team_id": "team",
    "priority": "priority",
    "channel": "channel",
    "account_tier": "account_tier",
    "policy_id": "policy",
    "agent_id": "agent",
    "organization_id": "organization",
}


def grain_for(filters: ReportFilters, by: Iterable[str], *, agent_dim: bool) -> str:
    """The coarsest roll-up grain that holds the grouping and the filters: 'all' for tier and key
    alone, one dimension's own grain, else the detail."""
    wanted = {GRAIN_OF_COLUMN[c] for c in set(by) - SUMMARY_COLUMNS}
    for name in ("team", "priority", "channel", "account_tier", "policy", "organization"):
        if getattr(filters, name) is not None:
            wanted.add(name)
    if filters.agent is not None and agent_dim:
        wanted.add("agent")
    if not wanted:
        return "all"
    return wanted.pop() if len(wanted) == 1 else "detail"


def _criteria(
    filters: ReportFilters, metrics: Iterable[str], by: Iterable[str], *, agent_dim: bool
) -> list[ColumnElement[bool]]:
    r = ReportRollup
    where = [
        r.metric.in_(list(metrics)),
        # Written into the statement, not bound: the agent grain's partial index is used only
        # when the database sees which grain is read.
        r.grain == literal(grain_for(filters, by, agent_dim=agent_dim), literal_execute=True),
        r.day >= filters.range.start,
        r.day <= filters.range.end,
    ]
    for column, value in (
        (r.tier, filters.tier),
        (r.team_id, filters.team),
        (r.priority, filters.priority),
        (r.channel, filters.channel),
        (r.account_tier, filters.account_tier),
        (r.policy_id, filters.policy),
        (r.organization_id, filters.organization),
    ):
        if value is not None:
            where.append(column == value)
    if filters.agent is not None and agent_dim:
        where.append(r.agent_id == filters.agent)
    return where


Sums = dict[tuple[Any, ...], list[int]]


def sums(
    filters: ReportFilters, metrics: Iterable[str], by: Iterable[str], *, agent_dim: bool = True
) -> Sums:
    """count and total per group of the named roll-up columns ('metric', 'day', 'tier', 'key' …)."""
    r = ReportRollup
    columns = [getattr(r, name) for name in by]
    query = (
        select(*columns, func.sum(r.count), func.sum(r.total))
        .where(*_criteria(filters, metrics, by, agent_dim=agent_dim))
        .group_by(*columns)
    )
    out: Sums = {}
    for row in db.session.execute(query):
        out[tuple(row[:-2])] = [int(row[-2] or 0), int(row[-1] or 0)]
    return out


def by_period(filters: ReportFilters, metrics: Iterable[str]) -> dict[str, dict[date, int]]:
    """Counts per metric per period (a day, or a week's Monday for long ranges)."""
    grain = filters.range.grain()
    out: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for (metric, day), (count, _) in sums(filters, metrics, ("metric", "day")).items():
        out[metric][period_start(day, grain)] += count
    return out


def periods(filters: ReportFilters) -> list[date]:
    grain = filters.range.grain()
    return list(dict.fromkeys(period_start(day, grain) for day in filters.range.days))


def pick(values: Sums, *key: Any) -> int:
    return values.get(tuple(key), [0, 0])[0]


@dataclass(frozen=True, slots=True)
class FilterChoices:
    teams: list[tuple[int, str]]
    agents: list[tuple[int, str]]
    policies: list[tuple[int, str]]
    organizations: list[tuple[int, str]]


def filter_choices(actor: User) -> FilterChoices:
    """The teams, agents, policies and organizations a viewer may filter by."""
    from app.models import Organization, SlaPolicy, Team

    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    agents_query = (
        select(User.id, User.name).where(User.role.in_((Role.agent, Role.admin))).order_by(User.name)
    )
    if not is_lead(actor):
        teams = [t for t in teams if t[0] == actor.team_id]
        agents_query = agents_query.where(
            User.team_id == actor.team_id if actor.team_id is not None else User.id == actor.id
        )
    policies = db.session.execute(select(SlaPolicy.id, SlaPolicy.name).order_by(SlaPolicy.name)).all()
    organizations = db.session.execute(
        select(Organization.id, Organization.name).order_by(Organization.name)
    ).all()
    return FilterChoices(
        list(teams), list(db.session.execute(agents_query).all()), list(policies), list(organizations)
    )
