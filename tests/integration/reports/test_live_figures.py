"""The live figures (the backlog by tier and age, account health and the accounts at risk) against
open tickets set up by hand, read through the indexes that keep them independent of the closed
history."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.domain.reports import DateRange
from app.domain.sla_vocabulary import SlaBadge
from app.domain.vocabulary import Status
from app.services.reports.customers import customers_report
from app.services.reports.dashboard import dashboard
from app.services.reports.figures import Figure, Report
from app.services.reports.live import health_of
from app.services.reports.read import ReportFilters
from app.services.reports.workload import backlog_figure
from tests.factories import make_customer, make_org, make_ticket


def figure(report: Report, slug: str) -> Figure:
    return next(f for f in report.figures if f.slug == slug)


def rows(fig: Figure) -> dict[str, dict[str, object]]:
    return {
        row[0].text: {
            h: c.value if c.value is not None else c.text
            for h, c in zip(fig.table.headers[1:], row[1:], strict=True)
        }
        for row in fig.table.rows
    }


@pytest.fixture
def desk(now: datetime):
    """Five accounts, health from the risk rank's part in tenths (health = 100 - 0.4 × tenths):
    - Breached: 150 → 40, a breach open, two open tickets; at risk.
    - Valuable: 110 → 56, no breach, lifetime value 60,000.00; at risk.
    - Edge: 102 → 59 with a breach (at risk); its neighbour Healthy at 101 → 60 is not.
    - Quiet: 120 → 52, no breach, lifetime value 12,500.00; not at risk.
    - Solved: health 20 and breached, but nothing open; not counted at all."""
    orgs = {
        name: make_org(name=name, lifetime_value=value)
        for name, value in (
            ("Breached", 1_250_000),
            ("Valuable", 6_000_000),
            ("Edge", 1_250_000),
            ("Healthy", 1_250_000),
            ("Quiet", 1_250_000),
            ("Solved", 9_000_000),
        )
    }
    people = {name: make_customer(organization=org) for name, org in orgs.items()}

    def ticket(name: str, *, hours: float, tier: int = 1, **values):
        return make_ticket(people[name], created_at=now - timedelta(hours=hours), tier=tier, **values)

    ticket("Breached", hours=2, tier=1, risk_health=150, sla_badge=SlaBadge.breached)  # < 1 day
    ticket("Breached", hours=30, tier=2, risk_health=0, status=Status.pending)  # 1–3 days
    ticket("Valuable", hours=100, tier=2, risk_health=110, status=Status.on_hold)  # 3–7 days
    ticket("Edge", hours=24 * 10, tier=3, risk_health=102, sla_badge=SlaBadge.breached)  # 1–4 weeks
    ticket("Healthy", hours=24 * 40, tier=0, risk_health=101, sla_badge=SlaBadge.breached)  # older
    ticket("Quiet", hours=5, tier=1, risk_health=120, status=Status.new)  # < 1 day
    ticket("Solved", hours=1, tier=1, risk_health=200, sla_badge=SlaBadge.breached, status=Status.solved)
    ticket("Solved", hours=1, tier=4, risk_health=200, status=Status.closed)
    return orgs


def test_health_is_below_sixty_from_102_tenths():
    assert [health_of(t) for t in (0, 101, 102, 150, 250, 400)] == [100, 60, 59, 40, 0, 0]


def test_the_backlog_counts_open_tickets_by_tier_and_age(desk, now):
    got = rows(backlog_figure(ReportFilters(range=DateRange(now.date(), now.date())), now))
    assert got["Tier 1 · Frontline"]["< 1 day"] == 2  # Breached's and Quiet's; the solved one is not
    assert got["Tier 1 · Frontline"]["Open"] == 2
    assert got["Tier 2 · Technical"]["1–3 days"] == 1
    assert got["Tier 2 · Technical"]["3–7 days"] == 1
    assert got["Tier 3 · Expert"]["1–4 weeks"] == 1
    assert got["Tier 0 · Self-service"]["older"] == 1
    assert sum(r["Open"] for r in got.values()) == 6  # nothing closed, nothing at tier 4


def test_accounts_at_risk_and_health_bands(desk, now):
    report = customers_report(ReportFilters(range=DateRange(now.date(), now.date())))
    at_risk = figure(report, "at-risk")
    assert [row[0].text for row in at_risk.table.rows] == ["Breached", "Valuable", "Edge"]
    got = rows(at_risk)
    assert got["Breached"]["Health"] == 40
    assert got["Breached"]["Open breaches"] == 1
    assert got["Breached"]["Open tickets"] == 2
    assert got["Valuable"]["Lifetime value"] == 60_000
    assert got["Edge"]["Health"] == 59
    # Each account links to its tickets.
    assert at_risk.table.rows[0][0].link == {"organization": str(desk["Breached"].id)}
    bands = rows(figure(report, "health"))
    # Breached 40, Valuable 56, Edge 59, Quiet 52 → 40–59; Healthy 60 → 60–79; Solved has none open.
    assert {band: r["Accounts"] for band, r in bands.items()} == {
        "0–19": 0,
        "20–39": 0,
        "40–59": 4,
        "60–79": 1,
        "80–100": 0,
    }


def test_the_dashboard_shows_the_riskiest_accounts_and_todays_backlog(desk, now):
    filters = ReportFilters(range=DateRange(now.date(), now.date()))
    report = dashboard(filters, now)
    assert [row[0].text for row in figure(report, "at-risk").table.rows] == ["Breached", "Valuable", "Edge"]
    tiles = {tile.label: tile.cell.value for tile in report.tiles}
    assert tiles == {"Open tickets": 6, "Breaches today": 0, "Warnings today": 0, "Accounts at risk": 3}
    curve = figure(report, "backlog-curve")
    assert curve.fold  # thirty rows beneath the chart start folded
    assert curve.table.rows[-1][0].text == now.date().isoformat()
    assert curve.table.rows[-1][1].value == 6


def test_a_filter_narrows_the_accounts_to_its_tickets(desk, now):
    only_tier_3 = ReportFilters(range=DateRange(now.date(), now.date()), tier=3)
    report = customers_report(only_tier_3)
    assert [row[0].text for row in figure(report, "at-risk").table.rows] == ["Edge"]
    assert rows(figure(report, "health"))["40–59"]["Accounts"] == 1
