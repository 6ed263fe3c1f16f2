"""Workload: the backlog by tier and age, tickets created and solved per day, and per agent
their replies, solved tickets and first response times."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select

from app.domain.charts import Chart, Series
from app.domain.reports import PERCENTILE_NOTE, bucket_percentile, bucket_text, period_end
from app.domain.tiers import MAX_TIER, tier_label
from app.extensions import db
from app.models import User
from app.models.types import utcnow
from app.services.reports.figures import Cell, Figure, Report, Table, drill, label, num
from app.services.reports.live import AGE_BUCKETS, backlog, open_count
from app.services.reports.read import ReportFilters, by_period, periods, sums

TIERS = range(MAX_TIER + 1)


def workload_report(filters: ReportFilters, now: datetime | None = None) -> Report:
    """The workload report for the filters."""
    now = now or utcnow()
    report = Report(
        "workload",
        "Workload",
        "The open backlog now, the flow of tickets in the range, and each agent's share.",
    )
    report.figures.append(backlog_figure(filters, now))
    report.figures.append(flow_figure(filters))
    report.figures.append(_agents(filters))
    return report


def backlog_figure(filters: ReportFilters, now: datetime) -> Figure:
    counts = backlog(filters, now)
    names = [name for name, _ in AGE_BUCKETS]
    rows = [
        (
            label(tier_label(t)),
            *[num(counts.get((t, n), 0)) for n in names],
            num(sum(counts.get((t, n), 0) for n in names)),
        )
        for t in TIERS
    ]
    chart = Chart(
        "stacked",
        "Open tickets per tier by age",
        tuple(f"Tier {t}" for t in TIERS),
        tuple(Series(n, tuple(float(counts.get((t, n), 0)) for t in TIERS)) for n in names),
    )
    return Figure(
        "backlog",
        "Backlog by tier and age",
        Table(("Tier", *names, "Open"), rows),
        chart,
        note="Open tickets now (new, open, pending, on hold), by time since they were opened.",
    )


def flow_figure(filters: ReportFilters) -> Figure:
    counts = by_period(filters, ("created", "solved"))
    days = periods(filters)
    rows = []
    for day in days:
        link = {
            "start": day.isoformat(),
            "end": period_end(day, filters.range.grain(), filters.range.end).isoformat(),
        }
        rows.append(
            (
                label(day.isoformat()),
                num(counts["created"].get(day, 0), drill("created", **link)),
                num(counts["solved"].get(day, 0), drill("solved", **link)),
            )
        )
    grain = filters.range.grain()
    chart = Chart(
        "line",
        f"Created and solved per {grain}",
        tuple(d.strftime("%d %b") for d in days),
        (
            Series("Created", tuple(float(counts["created"].get(d, 0)) for d in days)),
            Series("Solved", tuple(float(counts["solved"].get(d, 0)) for d in days)),
        ),
    )
    return Figure(
        "flow", f"Created and solved per {grain}", Table((grain.title(), "Created", "Solved"), rows), chart
    )


def backlog_curve(filters: ReportFilters) -> Figure:
    """Open tickets at the end of each day: today's backlog walked back through each day's
    opened, solved and reopened tickets."""
    counts = _per_day(filters)
    days = filters.range.days
    level = open_count(filters)
    levels: dict[date, int] = {}
    for day in reversed(days):
        levels[day] = level
        level -= counts["created"].get(day, 0) - counts["solved"].get(day, 0) + counts["reopened"].get(day, 0)
    rows = [(label(d.isoformat()), num(max(0, levels[d]))) for d in days]
    chart = Chart(
        "line",
        "Open tickets at the end of each day",
        tuple(d.strftime("%d %b") for d in days),
        (Series("Open", tuple(float(max(0, levels[d])) for d in days)),),
    )
    return Figure(
        "backlog-curve",
        "Backlog curve",
        Table(("Day", "Open"), rows),
        chart,
        note="Today's open tickets, walked back through each day's opened, solved and reopened tickets.",
    )


def _agents(filters: ReportFilters) -> Figure:
    values = sums(filters, ("reply", "solved", "frt"), ("metric", "agent_id", "key"))
    per: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    frt: dict[int, dict[str, int]] = defaultdict(dict)
    for (metric, agent, key), (count, _) in values.items():
        if not agent:
            continue
        per[agent][metric] += count
        if metric == "frt":
            frt[agent][key] = count
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(list(per)))).all())
    rows = [
        (
            label(names.get(agent, f"#{agent}")),
            num(per[agent]["reply"], drill("reply", agent=agent)),
            num(per[agent]["solved"], drill("solved", agent=agent)),
            Cell(bucket_text(bucket_percentile(frt[agent], 0.5))),
        )
        for agent in sorted(per, key=lambda a: (-per[a]["reply"], names.get(a, "")))
    ]
    return Figure(
        "agents",
        "Per agent",
        Table(("Agent", "Replies", "Solved (assigned)", "Median first response"), rows),
        note="Solved tickets and first responses count for the ticket's assignee; replies for their author. "
        + PERCENTILE_NOTE,
    )


def _per_day(filters: ReportFilters) -> dict[str, dict[date, int]]:
    out: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for (metric, day), (count, _) in sums(
        filters, ("created", "solved", "reopened"), ("metric", "day")
    ).items():
        out[metric][day] += count
    return out
