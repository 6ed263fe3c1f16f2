"""The escalation ladder: tickets entering each tier, moving up and down and by what, how long
they stay, reopen and de-escalation rates, and the reasons and rules behind escalations."""

from __future__ import annotations

from collections import defaultdict

from app.domain.charts import Chart, Series
from app.domain.reports import PERCENTILE_NOTE, bucket_percentile, bucket_text, rate
from app.domain.tiers import MAX_TIER, tier_label
from app.domain.vocabulary import TierChangeCause
from app.services.reports.figures import Cell, Figure, Report, Table, drill, label, num
from app.services.reports.read import ReportFilters, pick, sums

TIERS = range(MAX_TIER + 1)


def ladder_report(filters: ReportFilters) -> Report:
    """The escalation ladder report for the filters."""
    report = Report(
        "ladder",
        "Escalation ladder",
        "Tier moves by tier, cause and reason; a ticket that climbs "
        "1→2→3→2 enters tiers 2, 3 and 2 and counts two moves up and one down.",
    )
    values = sums(filters, ("created", "tier_in", "tier_up", "tier_down"), ("metric", "tier"))
    dwell = sums(filters, ("dwell",), ("tier", "key"))
    rows, ups, downs = [], [], []
    for t in TIERS:
        buckets = {key: count for (tier, key), (count, _) in dwell.items() if tier == t}
        entered = pick(values, "created", t) + pick(values, "tier_in", t)
        up, down = pick(values, "tier_up", t), pick(values, "tier_down", t)
        ups.append(float(up))
        downs.append(float(down))
        rows.append(
            (
                label(tier_label(t)),
                num(pick(values, "created", t), drill("created", tier=t)),
                num(entered - pick(values, "created", t), drill("tier_in", tier=t)),
                num(up, drill("tier_up", tier=t)),
                num(down, drill("tier_down", tier=t)),
                Cell(bucket_text(bucket_percentile(buckets, 0.5))),
            )
        )
    report.figures.append(
        Figure(
            "per-tier",
            "Moves per tier",
            Table(
                ("Tier", "Opened here", "Moved in", "Moved up from", "Moved down from", "Median dwell"), rows
            ),
            Chart(
                "bar",
                "Moves up and down from each tier",
                tuple(f"Tier {t}" for t in TIERS),
                (Series("Up", tuple(ups)), Series("Down", tuple(downs))),
            ),
            note="Dwell is wall-clock time from entering a tier to leaving it, counted as it leaves. "
            + PERCENTILE_NOTE,
        )
    )
    report.figures.append(_causes(filters))
    report.figures.append(_rates(filters))
    report.figures.append(_vendor(filters, dwell))
    report.figures.append(_reasons(filters))
    return report


def _causes(filters: ReportFilters) -> Figure:
    values = sums(filters, ("tier_up", "tier_down"), ("metric", "key"))
    names = {
        TierChangeCause.manual.value: "By an agent",
        TierChangeCause.rule.value: "By a rule",
        TierChangeCause.sla.value: "By the SLA sweep",
    }
    rows = [
        (
            label(name),
            num(pick(values, "tier_up", cause), drill("tier_up", key=cause)),
            num(pick(values, "tier_down", cause), drill("tier_down", key=cause)),
        )
        for cause, name in names.items()
    ]
    return Figure("causes", "Who moved tickets", Table(("Cause", "Up", "Down"), rows))


def _rates(filters: ReportFilters) -> Figure:
    values = sums(filters, ("tier_up", "tier_down", "solved", "reopened"), ("metric",))
    up, down = pick(values, "tier_up"), pick(values, "tier_down")
    solved, reopened = pick(values, "solved"), pick(values, "reopened")
    rows = [
        (
            label("De-escalation rate (down moves per move)"),
            num(down, drill("tier_down")),
            num(up + down),
            num(rate(down, up + down), suffix=" %"),
        ),
        (
            label("Reopen rate (reopens per solve)"),
            num(reopened, drill("reopened")),
            num(solved, drill("solved")),
            num(rate(reopened, solved), suffix=" %"),
        ),
    ]
    return Figure("rates", "De-escalation and reopen rates", Table(("Rate", "Count", "Out of", "Rate"), rows))


def _vendor(filters: ReportFilters, dwell: dict[tuple[object, ...], list[int]]) -> Figure:
    buckets = {str(key): count for (tier, key), (count, _) in dwell.items() if tier == MAX_TIER}
    returned = sum(buckets.values())
    total = sum(t for (tier, _), (_, t) in dwell.items() if tier == MAX_TIER)
    rows = [
        (
            label("Back from the vendor"),
            num(returned, drill("tier_down", tier=MAX_TIER)),
            Cell(bucket_text(bucket_percentile(buckets, 0.5))),
            Cell(bucket_text(bucket_percentile(buckets, 0.9))),
            num(round(total / returned / 60, 1) if returned else None, suffix=" h"),
        )
    ]
    back = sums(filters, ("vendor_back",), ("key",))
    for key in ("on time", "late", "no target"):
        rows.append(
            (
                label(f"… {key} against the vendor's due time"),
                num(pick(back, key), drill("vendor_back", key=key)),
                Cell(""),
                Cell(""),
                Cell(""),
            )
        )
    return Figure(
        "vendor",
        "Vendor turnaround (time at tier 4)",
        Table(("Hand-offs", "Count", "Median", "p90", "Mean"), rows),
        note="Wall-clock time a vendor held the ticket, from hand-off to return. " + PERCENTILE_NOTE,
    )


def _reasons(filters: ReportFilters) -> Figure:
    values = sums(filters, ("esc_reason",), ("key",))
    ranked = sorted(((k[0], v[0]) for k, v in values.items()), key=lambda kv: (-kv[1], kv[0]))[:10]
    totals: dict[str, int] = defaultdict(int)
    for key, count in ranked:
        totals[key] += count
    rows = [(label(key.replace("_", " ")), num(count, drill("esc_reason", key=key))) for key, count in ranked]
    chart = Chart(
        "bar",
        "Top reasons and rules behind escalations",
        tuple(k.replace("_", " ")[:14] for k, _ in ranked),
        (Series("Escalations", tuple(float(c) for _, c in ranked)),),
    )
    return Figure(
        "reasons",
        "Top reasons and rules behind escalations",
        Table(("Reason or rule", "Escalations"), rows),
        chart if ranked else None,
    )
