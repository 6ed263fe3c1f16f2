"""Each report figure against a small history worked out by hand: a ticket that climbs
1→2→3→2, breaches in running and in paused time, a vendor round trip, a deflection and a rating."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from app.domain.kb_vocabulary import ArticleStatus
from app.domain.reports import DateRange
from app.domain.sla import Targets
from app.extensions import db
from app.models import KbArticle
from app.services.kb.impressions import record_impressions
from app.services.reports.catalog import build_report, report_csv
from app.services.reports.read import ReportFilters
from app.services.reports.rollup import fold_new_history, rebuild_rollups
from app.services.sla.setup import save_calendar, save_policy
from app.services.sweep.sweep import sweep_sla
from app.services.tickets.changes import change_status, change_tier
from app.services.tickets.conversation import add_reply
from app.services.tickets.opening import open_ticket
from app.services.tickets.ratings import rate_ticket
from app.services.tickets.self_service import record_deflection
from tests.factories import make_admin, make_agent, make_customer, make_team

# Round the clock: first response 60, next 120, resolution 600, 60 per tier; warnings at 50 %.
STANDARD = Targets(60, 120, 600, (60, 60, 60, 60, 60), warn_percent=50)


def at(now: datetime, minutes: int) -> datetime:
    return now + timedelta(minutes=minutes)


@pytest.fixture
def history(now):
    admin = make_admin()
    always = save_calendar(admin, name="24x7", timezone="UTC", weekly_hours={}, always_open=True)
    save_policy(admin, name="Standard", calendar_id=always.id, is_default=True, targets=STANDARD, now=now)
    agent = make_agent(tier=4)
    vendor = make_team(name="CloudCo", tier=4, is_external=True, vendor_target_hours=24)
    # A: answered in 10 minutes, climbs 1→2→3→2, solved at +50 and rated 5.
    a_customer = make_customer().user
    a = open_ticket(a_customer, subject="Climber", description="x", now=now)
    add_reply(agent, a.id, "Looking", now=at(now, 10))
    change_tier(agent, a.id, 2, "deeper", reason_code="needs_expertise", now=at(now, 20))
    change_tier(agent, a.id, 3, "a defect", reason_code="needs_expertise", now=at(now, 30))
    change_tier(agent, a.id, 2, "workaround", reason_code="workaround_provided", now=at(now, 40))
    change_status(agent, a.id, "solved", now=at(now, 50))
    rate_ticket(a_customer, a.id, 5, now=at(now, 55))
    # B: never answered; C: pending from +20 to +100, so its first response is due at +140.
    b = open_ticket(make_customer().user, subject="Silent", description="x", now=now)
    c = open_ticket(make_customer().user, subject="Waiting", description="x", now=now)
    change_status(agent, c.id, "pending", now=at(now, 20))
    change_status(agent, c.id, "open", now=at(now, 100))
    sweep_sla(at(now, 61))  # B: first response and tier-1 time breached; B rises to tier 2
    sweep_sla(at(now, 141))  # C: first response and tier-1 time breached (paused 80 minutes)
    # D: answered, handed to the vendor at +30, back at tier 3 at +150.
    d = open_ticket(make_customer().user, subject="Vendor", description="x", now=now)
    add_reply(agent, d.id, "Passing it on", now=at(now, 5))
    change_tier(
        agent, d.id, 4, "provider bug", reason_code="vendor_issue", vendor_team_id=vendor.id, now=at(now, 30)
    )
    change_tier(agent, d.id, 3, "fixed upstream", reason_code="fix_delivered", now=at(now, 150))
    # A deflection: a customer read an article and did not ask.
    article = KbArticle(
        title="Reset a password",
        slug="reset",
        body_markdown="x",
        body_html="x",
        body_text="x",
        status=ArticleStatus.published,
    )
    db.session.add(article)
    db.session.commit()
    record_deflection(
        make_customer().user, article.id, subject="password", category="account", now=at(now, 70)
    )
    # Suggestions: the article shown on two request forms (the second lookup of the first form
    # shows it again and does not count).
    record_impressions([article.id], now=at(now, 65))
    record_impressions([article.id], shown_before=[article.id], now=at(now, 66))
    record_impressions([article.id], now=at(now, 67))
    rebuild_rollups()
    return {"a": a, "b": b, "c": c, "d": d, "agent": agent, "article": article}


def figures(slug: str, now: datetime) -> dict[tuple[str, str, str], object]:
    filters = ReportFilters(range=DateRange(now.date(), now.date()))
    report = build_report(slug, filters)
    return {
        (f.slug, row[0].text, header): cell.value if cell.value is not None else cell.text
        for f in report.figures
        for row in f.table.rows
        for header, cell in zip(f.table.headers[1:], row[1:], strict=True)
    }


def test_sla_attainment_counts_each_target_once_and_pauses_not_at_all(history, now):
    got = figures("sla", now)
    # First response: A (+10) and D (+5) met; B breached at +61, C at +141 after its pause.
    assert got[("per-target", "First response", "Met")] == 2
    assert got[("per-target", "First response", "Breached")] == 2
    assert got[("per-target", "First response", "Attainment")] == 50.0
    assert got[("per-target", "Resolution", "Met")] == 1  # A, solved at +50
    # Median business minutes to first response: the lower of 5 and 10, exact below 10 minutes.
    assert got[("business-time", "First response", "Tickets")] == 2
    assert got[("business-time", "First response", "Median")] == "5 min"
    assert got[("business-time", "Resolution", "Median")] == "50 min"


def test_the_ladder_counts_a_climb_and_a_fall_and_the_vendor_round_trip(history, now):
    got = figures("ladder", now)
    assert got[("per-tier", "Tier 1 · Frontline", "Opened here")] == 4
    # A and D by hand; B and C by the sweep, each having sat its 60 running minutes at tier 1.
    assert got[("per-tier", "Tier 1 · Frontline", "Moved up from")] == 4
    # A 2→3 by hand; B by the sweep at +141, its tier-2 hour having run out at +121.
    assert got[("per-tier", "Tier 2 · Technical", "Moved up from")] == 2
    assert got[("per-tier", "Tier 3 · Expert", "Moved down from")] == 1  # A 3→2
    assert got[("per-tier", "Tier 2 · Technical", "Moved in")] == 4  # A twice, B, C
    assert got[("per-tier", "Tier 4 · External vendor", "Moved down from")] == 1  # D back from the vendor
    assert got[("causes", "By the SLA sweep", "Up")] == 3
    assert got[("causes", "By an agent", "Down")] == 2
    assert got[("rates", "De-escalation rate (down moves per move)", "Rate")] == 25.0  # 2 of 8
    assert (
        got[("vendor", "Back from the vendor", "Median")] == "2.1 h"
    )  # 120 minutes at tier 4: the next edge, 124, is within 10 %
    # CloudCo's 24-hour target from the hand-off at +30: back at +150 is on time.
    assert got[("vendor", "… on time against the vendor's due time", "Count")] == 1
    assert got[("vendor", "… late against the vendor's due time", "Count")] == 0
    assert got[("reasons", "needs expertise", "Escalations")] == 2


def test_self_service_and_customers_count_the_deflection_and_the_rating(history, now):
    got = figures("self-service", now)
    assert got[("categories", "account", "Deflections")] == 1
    assert got[("articles", "Reset a password", "Deflections")] == 1
    assert got[("summary", "Suggestions shown on the request form", "Count")] == 2
    assert got[("summary", "Deflection rate", "Count")] == 20.0  # 1 deflected of 1 + 4 opened
    customers = figures("customers", now)
    assert customers[("csat", "5 ★", "Answers")] == 1
    assert customers[("csat-tier", "Tier 2 · Technical", "Average")] == 5.0
    # A was answered with no assignee: named as the desk says it, not "nobody".
    assert customers[("csat-agent", "Unassigned", "Answers")] == 1
    assert not [key for key in customers if key[1] in ("nobody", "none")]


def test_workload_counts_created_solved_and_replies(history, now):
    got = figures("workload", now)
    assert got[("flow", now.date().isoformat(), "Created")] == 4
    assert got[("flow", now.date().isoformat(), "Solved")] == 1
    agent = history["agent"].name
    assert got[("agents", agent, "Replies")] == 2


def test_the_csv_parses_back_to_the_numbers_on_the_page(history, now):
    filters = ReportFilters(range=DateRange(now.date(), now.date()))
    for slug in ("sla", "ladder", "self-service", "customers", "workload"):
        shown = figures(slug, now)
        rows = list(csv.DictReader(io.StringIO(report_csv(build_report(slug, filters), filters))))
        parsed = {(r["figure"], r["row"], r["column"]): r["value"] for r in rows}
        assert len(parsed) == len(shown)
        for key, value in shown.items():
            assert parsed[key] == str(value), key


def test_the_job_folds_new_history_into_what_a_rebuild_counts(history, now):
    from tests.integration.reports.rollup_rows import rollup_rows

    rebuilt = rollup_rows()
    add_reply(history["agent"], history["c"].id, "Here we go", now=at(now, 200))
    fold_new_history(at(now, 201))
    folded = rollup_rows()
    rebuild_rollups()
    assert folded == rollup_rows() != rebuilt


def test_an_organization_filter_counts_only_that_organizations_tickets(history, now):
    from app.services.reports.drill import drill_down
    from app.services.reports.live import backlog
    from app.services.reports.read import grain_for

    a_org, b_org = history["a"].organization_id, history["b"].organization_id
    assert a_org != b_org
    only_a = ReportFilters(range=DateRange(now.date(), now.date()), organization=a_org)
    assert grain_for(only_a, ("metric", "tier"), agent_dim=True) == "organization"
    got = {
        (f.slug, row[0].text, header): cell.value if cell.value is not None else cell.text
        for f in build_report("ladder", only_a).figures
        for row in f.table.rows
        for header, cell in zip(f.table.headers[1:], row[1:], strict=True)
    }
    # A alone: opened at tier 1, up 1→2 and 2→3 by hand, down 3→2.
    assert got[("per-tier", "Tier 1 · Frontline", "Opened here")] == 1
    assert got[("per-tier", "Tier 1 · Frontline", "Moved up from")] == 1
    assert got[("per-tier", "Tier 2 · Technical", "Moved up from")] == 1
    assert got[("per-tier", "Tier 3 · Expert", "Moved down from")] == 1
    assert got[("per-tier", "Tier 4 · External vendor", "Moved down from")] == 0  # D is elsewhere
    assert got[("causes", "By the SLA sweep", "Up")] == 0
    # B alone, with a priority filter too (so the detail grain): its first response breached.
    only_b = ReportFilters(
        range=DateRange(now.date(), now.date()), organization=b_org, priority=history["b"].priority.value
    )
    assert grain_for(only_b, ("metric",), agent_dim=True) == "detail"
    sla = build_report("sla", only_b)
    per_target = next(f for f in sla.figures if f.slug == "per-target")
    first = next(row for row in per_target.table.rows if row[0].text == "First response")
    headers = per_target.table.headers
    assert first[headers.index("Breached")].value == 1
    assert first[headers.index("Met")].value in (None, 0)
    # The live backlog reads the same filter: A is solved, B still open.
    assert sum(backlog(only_a, at(now, 200)).values()) == 0
    assert sum(backlog(only_b, at(now, 200)).values()) == 1
    tickets = drill_down(only_a, {"metric": "created"}).tickets
    assert [t.id for t in tickets] == [history["a"].id]
