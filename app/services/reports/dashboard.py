"""The lead's desk dashboard: today's breaches and warnings by tier, the backlog curve and the
riskiest accounts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from app.domain.charts import Chart, Series
from app.domain.reports import DateRange
from app.domain.tiers import MAX_TIER, tier_label
from app.models.types import utcnow
from app.services.reports.customers import risk_figure
from app.services.reports.figures import Figure, Report, Table, Tile, drill, label, num
from app.services.reports.live import accounts_at_risk
from app.services.reports.read import ReportFilters, pick, sums
from app.services.reports.workload import backlog_curve
from app.services.reports.zone import report_today

TIERS = range(MAX_TIER + 1)


def dashboard(filters: ReportFilters, now: datetime | None = None) -> Report:
    """Today at a glance; the backlog curve over the filters' range."""
    now = now or utcnow()
    day = report_today(now)
    today = replace(filters, range=DateRange(day, day))
    report = Report(
        "dashboard",
        "Today on the desk",
        "Breaches and warnings since midnight, the backlog and the accounts that need a look.",
    )
    values = sums(today, ("sla_breach", "sla_warn"), ("metric", "tier"))
    today_only = {"start": day.isoformat(), "end": day.isoformat()}
    rows = [
        (
            label(tier_label(t)),
            num(pick(values, "sla_breach", t), drill("sla_breach", tier=t, **today_only)),
            num(pick(values, "sla_warn", t), drill("sla_warn", tier=t, **today_only)),
        )
        for t in TIERS
    ]
    chart = Chart(
        "bar",
        "Breaches and warnings today per tier",
        tuple(f"Tier {t}" for t in TIERS),
        (
            Series("Breaches", tuple(float(pick(values, "sla_breach", t)) for t in TIERS)),
            Series("Warnings", tuple(float(pick(values, "sla_warn", t)) for t in TIERS)),
        ),
    )
    report.figures.append(
        Figure("today", "Breaches and warnings today", Table(("Tier", "Breaches", "Warnings"), rows), chart)
    )
    last_month = replace(filters, range=DateRange(day - timedelta(days=29), day))
    curve = backlog_curve(last_month)
    report.figures.append(replace(curve, fold=True))
    risks = accounts_at_risk(filters, limit=None)
    report.figures.append(risk_figure(risks[:5], more=len(risks) - 5 if len(risks) > 5 else 0))
    breaches = sum(pick(values, "sla_breach", t) for t in TIERS)
    warnings = sum(pick(values, "sla_warn", t) for t in TIERS)
    report.tiles = [
        Tile("Open tickets", curve.table.rows[-1][1], anchor="backlog-curve"),
        Tile("Breaches today", num(breaches, drill("sla_breach", **today_only)), anchor="today"),
        Tile("Warnings today", num(warnings, drill("sla_warn", **today_only)), anchor="today"),
        Tile("Accounts at risk", num(len(risks)), anchor="at-risk"),
    ]
    return report
