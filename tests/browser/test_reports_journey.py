"""A lead reads the reports: the dashboard, every report with its chart and table, a filter, the
tickets behind one figure; each page at desktop and phone width."""

from __future__ import annotations

import pytest

from app.services.accounts.timezone import set_agent_timezone
from app.services.reports.rollup import rebuild_rollups
from app.services.reports.zone import set_report_zone
from tests.browser.journey import DESKTOP, PHONE

pytestmark = pytest.mark.browser

REPORTS = ("SLA attainment", "Escalation ladder", "Self-service", "Customers", "Workload")


def test_a_lead_opens_every_report_and_the_tickets_behind_a_figure(journey, live_server, server_db):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import SlaAdoption, User
    from app.models.types import utcnow

    rebuild_rollups()
    lead_user = db.session.scalar(select(User).where(User.email == "admin@demo.test"))
    set_agent_timezone(lead_user, "Europe/Berlin")
    try:
        lead = journey("lead")
        page = lead.page
        lead.sign_in("admin@demo.test")
        page.get_by_role("heading", level=1, name="Today on the desk").wait_for()  # where a lead lands
        assert page.url.endswith("/desk/reports/")
        lead.menu("Reports")
        page.get_by_role("heading", level=1, name="Today on the desk").wait_for()
        assert "times on this page are in Europe/Berlin" in page.locator("main").inner_text()
        tiles = page.get_by_role("list", name="Headline figures").get_by_role("listitem")
        assert tiles.count() == 4
        assert tiles.first.inner_text().startswith("Open tickets")
        assert not page.get_by_label("Tier", exact=True).is_visible()  # the filters start folded
        lead.step("dashboard")
        # On a phone the accounts at risk are a list of cards, not a table scrolled sideways.
        at_risk = page.locator("#fig-at-risk ~ .table-wrap")
        page.set_viewport_size(PHONE)
        assert at_risk.locator("tbody th").count() >= 1, "the demo desk has accounts at risk"
        assert at_risk.locator("thead").is_hidden()
        assert at_risk.evaluate("box => box.scrollWidth <= box.clientWidth")
        label = at_risk.locator("td").first.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert label == '"Account tier"'  # each figure under its column's name
        page.set_viewport_size(DESKTOP)
        assert at_risk.locator("thead").is_visible()
        page.get_by_text("Filters and export").click()
        page.get_by_label("Tier", exact=True).wait_for()
        for title in REPORTS:
            page.get_by_role("navigation", name="Reports").get_by_role("link", name=title).click()
            page.get_by_role("heading", level=1, name=title).wait_for()
            assert page.locator("svg.chart title").count() >= 1
            shown = page.locator("main").inner_text()
            if title == "Self-service":
                assert "suggestions shown on the request form" in shown.lower()
            if title in ("SLA attainment", "Escalation ladder", "Workload"):
                assert "at most 10 % above the exact figure" in shown
            if title == "Customers":  # each kind's label whole beside its bar, as in the table
                kinds = page.locator('svg[aria-labelledby^="chart-touchpoints"] text[text-anchor="end"]')
                rows = page.locator("#fig-touchpoints ~ .table-wrap tbody th")
                assert kinds.count() >= 2 and kinds.all_text_contents() == rows.all_inner_texts()
            lead.step(title)
        page.get_by_role("navigation", name="Reports").get_by_role("link", name="Workload").click()
        page.get_by_label("Tier", exact=True).select_option("1")
        page.get_by_role("button", name="Show").click()
        page.get_by_role("heading", level=1, name="Workload").wait_for()
        assert "tier=1" in page.url
        lead.step("workload at tier 1")
        page.locator("#fig-flow ~ .table-wrap a").first.click()
        page.get_by_role("heading", level=1, name="Tickets behind the figure").wait_for()
        assert page.locator("table.report-table tbody a").count() >= 1
        lead.step("tickets behind a figure")
        page.go_back()
        page.get_by_role("heading", level=1, name="Workload").wait_for()
        organizations = page.get_by_label("Organization", exact=True)
        first = organizations.locator("option").nth(1)
        organizations.select_option(first.get_attribute("value"))
        page.get_by_role("button", name="Show").click()
        page.get_by_role("heading", level=1, name="Workload").wait_for()
        assert "organization=" in page.url
        assert page.get_by_label("Organization", exact=True).input_value() == first.get_attribute("value")
        lead.step("workload for one organization")
        # A policy edit's adoption under way shows its progress on the service levels page.
        work = SlaAdoption(since=utcnow(), waiting=667_404, checked=412_000, adopted=412_000)
        work.superseded = False
        db.session.add(work)
        db.session.commit()
        page.goto("/admin/sla/")
        page.get_by_text("412,000 of 667,404 adopted").wait_for()
        lead.step("service levels while tickets are adopted")
        db.session.delete(work)
        db.session.commit()
        # The reporting timezone: chosen on the service levels page, recounted at the next fold.
        page.goto("/admin/sla/")
        page.get_by_label("Report days follow").select_option("Pacific/Auckland")
        page.get_by_role("button", name="Save reporting timezone").click()
        page.get_by_text("Report days now run from midnight to midnight, Pacific/Auckland").wait_for()
        lead.step("reporting timezone")
        page.goto("/desk/reports/workload")
        shown = page.locator("main").inner_text()
        assert "The reporting timezone is now Pacific/Auckland" in shown
        lead.step("workload before the recount")
    finally:  # the server's database outlives this journey
        set_agent_timezone(lead_user, None)
        set_report_zone(lead_user, None)
