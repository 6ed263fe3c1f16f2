"""Self-service: suggestions seen, 'this answered my question', tier-0 answers accepted or
escalated, and the deflection rate over time, per category and per article."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.charts import Chart, Series
from app.domain.reports import period_start, rate
from app.extensions import db
from app.models import KbArticle
from app.services.reports.figures import Figure, Report, Table, drill, label, num
from app.services.reports.read import ReportFilters, periods, pick, sums


def self_service_report(filters: ReportFilters) -> Report:
    """The self-service report for the filters."""
    report = Report(
        "self-service",
        "Self-service",
        "What the knowledge base answered before a person had to. "
        "The deflection rate is deflections per deflection or opened ticket. "
        "A suggestion shown counts each article once per request form it appeared on.",
        links=[("Knowledge gaps", "desk.kb.gaps")],
    )
    values = sums(
        filters,
        ("kb_shown", "kb_seen", "kb_sent", "kb_vote", "deflected", "created"),
        ("metric",),
        agent_dim=False,
    )
    votes = sums(filters, ("kb_vote",), ("key",), agent_dim=False)
    moves = sums(filters, ("tier_up",), ("tier",), agent_dim=False)
    tier0 = sums(filters, ("deflected",), ("metric", "tier"), agent_dim=False)
    deflected, created = pick(values, "deflected"), pick(values, "created")
    rows = [
        (label("Suggestions shown on the request form"), num(pick(values, "kb_shown"))),
        (label("Articles seen before asking"), num(pick(values, "kb_seen"), drill("kb_seen"))),
        (
            label("“This answered my question” and tier-0 answers accepted"),
            num(deflected, drill("deflected")),
        ),
        (label("Helpful votes"), num(pick(votes, "helpful"))),
        (label("Not helpful votes"), num(pick(votes, "not_helpful"))),
        (label("Tier-0 automatic answers sent"), num(pick(values, "kb_sent"), drill("kb_sent"))),
        (label("Tier-0 answers escalated to a person"), num(pick(moves, 0), drill("tier_up", tier=0))),
        (
            label("Deflection rate"),
            num(rate(pick(tier0, "deflected", 0), pick(tier0, "deflected", 0) + created), suffix=" %"),
        ),
    ]
    report.figures.append(Figure("summary", "Self-service at a glance", Table(("Figure", "Count"), rows)))
    report.figures.append(_trend(filters))
    per_cat = sums(filters, ("deflected",), ("key",), agent_dim=False)
    report.figures.append(
        Figure(
            "categories",
            "Deflections per category",
            Table(
                ("Category", "Deflections"),
                [
                    (label(k[0] or "none"), num(v[0], drill("deflected", key=k[0])))
                    for k, v in sorted(per_cat.items(), key=lambda kv: -kv[1][0])
                ],
            ),
        )
    )
    per_article = sums(filters, ("deflected_article",), ("key",), agent_dim=False)
    ids = [int(k[0]) for k in per_article if k[0].isdigit()]
    titles = dict(
        db.session.execute(select(KbArticle.id, KbArticle.title).where(KbArticle.id.in_(ids))).all()
    )
    ranked = sorted(per_article.items(), key=lambda kv: -kv[1][0])[:15]
    report.figures.append(
        Figure(
            "articles",
            "Deflections per article",
            Table(
                ("Article", "Deflections"),
                [
                    (
                        label(str(titles.get(int(k[0]), k[0]) if k[0].isdigit() else k[0])),
                        num(v[0], drill("deflected_article", key=k[0])),
                    )
                    for k, v in ranked
                ],
            ),
        )
    )
    return report


def _trend(filters: ReportFilters) -> Figure:
    grain = filters.range.grain()
    per: dict[str, dict[object, int]] = {"deflected": {}, "created": {}}
    for (metric, day), (count, _) in sums(
        filters, ("deflected", "created"), ("metric", "day"), agent_dim=False
    ).items():
        start = period_start(day, grain)
        per[metric][start] = per[metric].get(start, 0) + count
    days = periods(filters)
    shares = [
        rate(per["deflected"].get(d, 0), per["deflected"].get(d, 0) + per["created"].get(d, 0)) for d in days
    ]
    rows = [
        (
            label(d.isoformat()),
            num(per["deflected"].get(d, 0)),
            num(per["created"].get(d, 0)),
            num(s, suffix=" %"),
        )
        for d, s in zip(days, shares, strict=True)
    ]
    chart = Chart(
        "line",
        f"Deflection rate per {grain} (%)",
        tuple(d.strftime("%d %b") for d in days),
        (Series("Deflection %", tuple(s or 0.0 for s in shares)),),
        " %",
    )
    return Figure(
        "trend",
        f"Deflection rate per {grain}",
        Table((grain.title(), "Deflected", "Opened", "Rate"), rows),
        chart,
    )
