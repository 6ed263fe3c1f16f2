"""A queue on a phone: below 800 px each ticket is a card (subject, customer, status, next
target, tier and the rest all there), the page never scrolls sideways, a card opens its ticket
and several can be ticked for a bulk action."""

from __future__ import annotations

import re

import pytest

from tests.browser.journey import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"the page is {wide} px wider than the viewport"
    inner = page.evaluate("(w => w.scrollWidth - w.clientWidth)(document.querySelector('.queue-wrap'))")
    assert inner <= 0, f"the queue scrolls {inner} px sideways inside its box"


def test_queue_rows_are_cards_on_a_phone(journey):
    agent = journey("frontline")
    page = agent.page
    agent.sign_in("frontline@demo.test")
    page.goto("/desk/queues/team")
    page.get_by_role("heading", level=1, name="My team").wait_for()
    agent.step("team queue")

    page.set_viewport_size(PHONE)
    _no_sideways_scroll(page)
    agent.folder.mkdir(parents=True, exist_ok=True)
    page.locator("#queue-table").scroll_into_view_if_needed()
    page.screenshot(path=agent.folder / "cards-390.png")
    rows = page.locator("#queue-table tbody tr")
    assert rows.count() > 1
    first = rows.first
    box = first.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    for cell in ("td.subject", "td.customer", "td.status", "td.sla", "td.tier", "td.ref", "td.prio"):
        assert first.locator(cell).is_visible(), cell
    assert re.match(r"Tier \d", first.locator("td.tier").inner_text())
    assert first.locator("td.assignee").inner_text().startswith("Assignee")
    assert first.locator("td.created").inner_text().startswith("Created")
    # The subject leads the card, the customer follows, the facts come after.
    top = {c: first.locator(f"td.{c}").bounding_box()["y"] for c in ("subject", "customer", "status")}
    assert top["subject"] < top["customer"] < top["status"], top

    page.get_by_text("Select all", exact=True).click()
    boxes = page.locator("#queue-table tbody input[name='ticket_ids']")
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.get_by_text("Select all", exact=True).click()
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_label("Action").select_option("tag")
    page.get_by_label("Tag", exact=True).last.fill("seen-on-phone")
    page.get_by_role("button", name="Apply").last.click()
    page.wait_for_load_state()
    page.get_by_text("Bulk tag: 2 changed.").wait_for()
    page.set_viewport_size(DESKTOP)
    agent.step("two cards tagged at once")

    page.set_viewport_size(PHONE)
    reference = rows.first.locator("td.ref").inner_text()
    rows.first.locator("td.status").click()  # not a link: the card itself opens the ticket
    page.get_by_role("heading", level=1, name=re.compile(reference)).wait_for()
    page.set_viewport_size(DESKTOP)


def test_search_results_are_cards_on_a_phone(journey):
    agent = journey("frontline")
    page = agent.page
    agent.sign_in("frontline@demo.test")
    page.goto("/desk/search?q=invoice")
    page.get_by_role("heading", level=1, name="Search tickets").wait_for()
    agent.step("search results")
    page.set_viewport_size(PHONE)
    wide = page.evaluate("(w => w.scrollWidth - w.clientWidth)(document.querySelector('.search-wrap'))")
    assert wide <= 0, f"the results scroll {wide} px sideways inside their box"
    first = page.locator(".search-results tbody tr").first
    for cell in ("td.subject", "td.ref", "td.customer", "td.status", "td.tier", "td.match"):
        assert first.locator(cell).is_visible(), cell
    assert re.match(r"Tier \d", first.locator("td.tier").inner_text())
    page.set_viewport_size(DESKTOP)


def test_on_a_phone_the_filters_fold_away_so_the_tickets_come_first(journey):
    agent = journey("frontline")
    page = agent.page
    agent.sign_in("frontline@demo.test")
    page.set_viewport_size(PHONE)
    page.goto("/desk/queues/team")
    page.get_by_role("heading", level=1, name="My team").wait_for()
    assert not page.locator("#filter-priority").is_visible()
    first_card = page.locator("#queue-table tbody tr").first.bounding_box()
    assert first_card is not None and first_card["y"] < PHONE["height"], first_card
    agent.folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=agent.folder / "filters-folded-390.png")
    page.get_by_text("Filters and saved views").click()
    page.locator("#filter-priority").select_option("urgent")
    page.get_by_role("button", name="Apply").first.click()
    page.wait_for_load_state()
    # Filters in use stay open, so the agent sees why the list is short.
    assert page.locator("#filter-priority").is_visible()
    assert page.get_by_text("Filters (on) and saved views").is_visible()
    page.screenshot(path=agent.folder / "filters-in-use-390.png")
    page.set_viewport_size(DESKTOP)
    page.goto("/desk/queues/team")
    assert page.locator("#filter-priority").is_visible()
    assert not page.get_by_text("Filters and saved views").is_visible()
