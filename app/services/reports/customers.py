"""Customers: CSAT distribution and trend per tier and agent, account health, the accounts at
risk with their figures, and touchpoints by kind."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from app.domain.charts import Chart, Series
from app.domain.reports import period_start
from app.domain.tiers import MAX_TIER, tier_label
from app.extensions import db
from app.models import User
from app.services.reports.figures import Cell, Figure, Report, Table, drill, label, num
from app.services.reports.live import AccountRisk, accounts_at_risk, health_distribution, open_accounts
from app.services.reports.read import ReportFilters, periods, sums

RATINGS = ("1", "2", "3", "4", "5")


def customers_report(filters: ReportFilters) -> Report:
    """The customers report for the filters."""
    report = Report("customers", "Customers", "Satisfaction, account health and the accounts at risk.")
    values = sums(filters, ("csat",), ("key",))
    counts = [values.get((r,), [0, 0])[0] for r in RATINGS]
    rows = [(label(f"{r} ★"), num(c, drill("csat", key=r))) for r, c in zip(RATINGS, counts, strict=True)]
    report.figures.append(
        Figure(
            "csat",
            "CSAT answers by rating",
            Table(("Rating", "Answers"), rows),
            Chart("bar", "CSAT answers by rating", RATINGS, (Series("Answers", tuple(map(float, counts))),)),
        )
    )
    report.figures.append(_csat_trend(filters))
    report.figures.append(_csat_by(filters, "tier"))
    report.figures.append(_csat_by(filters, "agent_id"))
    accounts = open_accounts(filters)
    bands = health_distribution(accounts)
    report.figures.append(
        Figure(
            "health",
            "Account health (accounts with open tickets)",
            Table(("Health", "Accounts"), [(label(b), num(c)) for b, c in bands.items()]),
            Chart(
                "bar",
                "Accounts per health band",
                tuple(bands),
                (Series("Accounts", tuple(map(float, bands.values()))),),
            ),
        )
    )
    report.figures.append(risk_figure(accounts_at_risk(filters, 10, accounts)))
    touch = sums(filters, ("touchpoint",), ("key",), agent_dim=False)
    ranked = sorted(((k[0], v[0]) for k, v in touch.items()), key=lambda kv: -kv[1])
    report.figures.append(
        Figure(
            "touchpoints",
            "Touchpoints by kind",
            Table(("Kind", "Touchpoints"), [(label(k.replace("_", " ")), num(c)) for k, c in ranked]),
            Chart(
                "bar",
                "Touchpoints by kind",
                tuple(k.replace("_", " ") for k, _ in ranked),
                (Series("Touchpoints", tuple(float(c) for _, c in ranked)),),
            )
            if ranked
            else None,
        )
    )
    return report


def _mean(count: int, total: int) -> float | None:
    return round(total / count, 2) if count else None


def _csat_trend(filters: ReportFilters) -> Figure:
    grain = filters.range.grain()
    per: dict[object, list[int]] = defaultdict(lambda: [0, 0])
    for (day,), (count, total) in sums(filters, ("csat",), ("day",)).items():
        cell = per[period_start(day, grain)]
        cell[0] += count
        cell[1] += total
    days = periods(filters)
    rows = [(label(d.isoformat()), num(per[d][0]), num(_mean(*per[d]))) for d in days]
    chart = Chart(
        "line",
        f"Average CSAT per {grain}",
        tuple(d.strftime("%d %b") for d in days),
        (Series("Average rating", tuple(_mean(*per[d]) or 0.0 for d in days)),),
    )
    return Figure(
        "csat-trend", f"CSAT per {grain}", Table((grain.title(), "Answers", "Average"), rows), chart
    )


UNASSIGNED = "Unassigned"  # the tickets answered with no assignee


def _csat_by(filters: ReportFilters, dim: str) -> Figure:
    values = sums(filters, ("csat",), (dim,))
    if dim == "tier":
        names = {t: tier_label(t) for t in range(MAX_TIER + 1)}
        title, param = "CSAT per tier", "tier"
    else:
        ids = [k[0] for k in values if k[0]]
        names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
        title, param = "CSAT per agent (assignee)", "agent"
    rows = [
        (
            label(names.get(k[0], "Unassigned")),
            num(v[0], drill("csat", **{param: k[0]})),
            num(_mean(v[0], v[1])),
        )
        for k, v in sorted(values.items(), key=lambda kv: str(names.get(kv[0][0], "")))
    ]
    return Figure(f"csat-{param}", title, Table((param.title(), "Answers", "Average"), rows))


def risk_figure(risks: list[AccountRisk], more: int = 0) -> Figure:
    """The accounts at risk, and how many more there are than listed."""
    rows = [
        (
            Cell(a.name, link={"organization": str(a.organization_id)}),
            label(a.account_tier),
            num(a.health),
            num(a.open_breaches),
            num(a.open_tickets),
            num(round(a.lifetime_value / 100)),
        )
        for a in risks
    ]
    return Figure(
        "at-risk",
        "Accounts at risk",
        Table(("Account", "Account tier", "Health", "Open breaches", "Open tickets", "Lifetime value"), rows),
        note="Health below 60 with a breach open or a high lifetime value, lowest health first."
        + (f" {more:,} more not listed." if more else ""),
        stacked=True,
    )
