"""SLA attainment: targets met and breached per tier, target, policy, team and account tier,
the trend, and business time to first response and to resolution."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from app.domain.charts import Chart, Series
from app.domain.reports import PERCENTILE_NOTE, bucket_percentile, bucket_text, minutes_text, period_end, rate
from app.domain.sla_vocabulary import TARGET_LABELS, SlaTarget
from app.domain.tiers import MAX_TIER, tier_label
from app.extensions import db
from app.models import BusinessCalendar, SlaPolicy, Team
from app.services.reports.figures import Cell, Figure, Report, Table, drill, label, num
from app.services.reports.read import ReportFilters, by_period, periods, pick, sums

OUTCOMES = ("sla_met", "sla_breach")


def sla_report(filters: ReportFilters) -> Report:
    """The SLA attainment report for the filters."""
    report = Report(
        "sla",
        "SLA attainment",
        "Targets met and breached; a target counts on the day it was met or breached.",
    )
    per_tier = sums(filters, OUTCOMES, ("metric", "tier"))
    rows = [_outcome_row(tier_label(t), per_tier, (t,), {"tier": str(t)}) for t in range(MAX_TIER + 1)]
    report.figures.append(
        Figure(
            "per-tier",
            "Met and breached per tier",
            Table(("Tier", "Met", "Breached", "Attainment"), rows),
            Chart(
                "stacked",
                "Targets met and breached per tier",
                tuple(f"Tier {t}" for t in range(MAX_TIER + 1)),
                (
                    Series("Met", tuple(float(pick(per_tier, "sla_met", t)) for t in range(MAX_TIER + 1))),
                    Series(
                        "Breached", tuple(float(pick(per_tier, "sla_breach", t)) for t in range(MAX_TIER + 1))
                    ),
                ),
            ),
        )
    )
    per_target = sums(filters, OUTCOMES, ("metric", "key"))
    rows = [_outcome_row(TARGET_LABELS[t], per_target, (t.value,), {"key": t.value}) for t in SlaTarget]
    report.figures.append(
        Figure("per-target", "Per target", Table(("Target", "Met", "Breached", "Attainment"), rows))
    )
    report.figures.append(_trend(filters))
    for dim, title, names in (
        ("policy_id", "Per policy", _names(SlaPolicy)),
        ("team_id", "Per team", _names(Team)),
        ("account_tier", "Per account tier", {}),
    ):
        report.figures.append(_breakdown(filters, dim, title, names))
    report.figures.append(_business_time(filters))
    return report


def _outcome_row(
    name: str, values: dict[tuple[Any, ...], list[int]], key: tuple[Any, ...], link: dict[str, str]
) -> tuple[Cell, ...]:
    met, breached = pick(values, "sla_met", *key), pick(values, "sla_breach", *key)
    return (
        label(name),
        num(met, drill("sla_met", **link)),
        num(breached, drill("sla_breach", **link)),
        num(rate(met, met + breached), suffix=" %"),
    )


def _trend(filters: ReportFilters) -> Figure:
    counts = by_period(filters, OUTCOMES)
    days = periods(filters)
    rows, values = [], []
    for day in days:
        met, breached = counts["sla_met"].get(day, 0), counts["sla_breach"].get(day, 0)
        share = rate(met, met + breached)
        values.append(share)  # None: nothing counted that day, a gap in the line
        link = {
            "start": day.isoformat(),
            "end": period_end(day, filters.range.grain(), filters.range.end).isoformat(),
        }
        rows.append(
            (
                label(day.isoformat()),
                num(met, drill("sla_met", **link)),
                num(breached, drill("sla_breach", **link)),
                num(share, suffix=" %"),
            )
        )
    grain = filters.range.grain()
    chart = Chart(
        "line",
        f"Attainment per {grain} (%)",
        tuple(d.strftime("%d %b") for d in days),
        (Series("Attainment %", tuple(values)),),
        " %",
    )
    return Figure(
        "trend", f"Trend per {grain}", Table((grain.title(), "Met", "Breached", "Attainment"), rows), chart
    )


def _names(model: Any) -> dict[Any, str]:
    return {row.id: row.name for row in db.session.scalars(select(model))}


def _breakdown(filters: ReportFilters, dim: str, title: str, names: dict[Any, str]) -> Figure:
    values = sums(filters, OUTCOMES, ("metric", dim))
    param = {"policy_id": "policy", "team_id": "team", "account_tier": "account_tier"}[dim]
    keys = sorted({k[1] for k in values}, key=str)
    nothing = {"policy": "No policy", "team": "No team", "account_tier": "No account tier"}[param]
    rows = [
        _outcome_row(names.get(k, str(k)) if k not in (0, "") else nothing, values, (k,), {param: str(k)})
        for k in keys
    ]
    return Figure(
        dim, title, Table((title.removeprefix("Per ").capitalize(), "Met", "Breached", "Attainment"), rows)
    )


def _business_time(filters: ReportFilters) -> Figure:
    values = sums(filters, ("frt", "ttr"), ("metric", "key"))
    buckets: dict[str, dict[str, int]] = defaultdict(dict)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (metric, key), (count, total) in values.items():
        buckets[metric][key] = count
        totals[metric][0] += count
        totals[metric][1] += total
    rows = []
    for metric, name in (("frt", "First response"), ("ttr", "Resolution")):
        count, total = totals[metric]
        rows.append(
            (
                label(name),
                num(count, drill(metric)),
                Cell(bucket_text(bucket_percentile(buckets[metric], 0.5))),
                Cell(bucket_text(bucket_percentile(buckets[metric], 0.9))),
                Cell(
                    minutes_text(total / count) if count else "–", round(total / count, 1) if count else None
                ),
            )
        )
    return Figure(
        "business-time",
        "Business time to first response and to resolution",
        Table(("Target", "Tickets", "Median", "p90", "Mean"), rows),
        note="Counted in the business hours of each ticket's policy calendar (" + calendars_used() + "), "
        "less the time it waited on the customer or a vendor. " + PERCENTILE_NOTE,
    )


def calendars_used() -> str:
    rows = db.session.execute(
        select(BusinessCalendar.name, BusinessCalendar.timezone)
        .where(BusinessCalendar.id.in_(select(SlaPolicy.calendar_id)))
        .order_by(BusinessCalendar.name)
    ).all()
    return "; ".join(f"{name}, {zone}" for name, zone in rows) or "no calendar yet"
