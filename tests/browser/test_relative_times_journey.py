"""Relative times count on in an open page: the queue's "created" and "next target" columns and
the ticket page say what they would say if the page were loaded again, without a reload."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.templating import _business_minutes, _relative

pytestmark = pytest.mark.browser

LATER = timedelta(hours=3)


def _read(time) -> tuple[str, datetime, datetime]:
    return (
        time.inner_text(),
        datetime.fromisoformat(time.get_attribute("datetime")),
        datetime.fromisoformat(time.get_attribute("data-now")),
    )


def _expected(kind: str, at: datetime, now: datetime) -> str:
    if kind == "minutes":
        return _business_minutes((at - now).total_seconds() / 60)
    words = _relative(at, now)
    if kind == "ago":
        return words
    return f"{words[3:]} left" if words.startswith("in ") else words.replace(" ago", " over")


def _counts_on(page, selector: str) -> None:
    """Three hours later, the time reads as the server would write it then (give or take the
    few seconds between the server writing the page and its script starting)."""
    time = page.locator(selector).first
    kind = time.get_attribute("data-tick")
    text, at, rendered = _read(time)
    assert text == _expected(kind, at, rendered)
    page.clock.fast_forward(int(LATER.total_seconds() * 1000))
    later = {_expected(kind, at, rendered + LATER + timedelta(seconds=s)) for s in (0, 20)}
    now_reads = time.inner_text()
    assert now_reads in later and now_reads != text, (text, now_reads, later)


def test_times_count_on_without_a_reload(journey):
    agent = journey("frontline")
    page = agent.page
    agent.sign_in("frontline@demo.test")
    page.clock.install()
    page.goto("/desk/queues/team")
    # A ticked row holds the queue's own refresh, which would bring rows written anew.
    page.locator("#queue-table tbody input[name='ticket_ids']").first.check()
    _counts_on(page, "#queue-table td.created time[data-tick='ago']")
    page.goto("/desk/queues/team")
    page.locator("#queue-table tbody input[name='ticket_ids']").first.check()
    _counts_on(page, "#queue-table td.sla time[data-tick='left']")
    agent.step("queue three hours on")

    new = page.locator("#queue-table tbody tr", has=page.locator("td.status-new")).first
    new.locator("td.ref a").click()
    page.get_by_role("heading", level=1, name=re.compile(r"TD-\d+")).wait_for()
    # The heading shows before the deferred script has read the page's render time; a clock
    # moved on before that would become the script's starting point.
    page.wait_for_load_state("load")
    _counts_on(page, "main time[data-tick='ago']")
    page.reload()  # time left to a target counted round the clock counts on too
    _counts_on(page, ".sla-left time[data-tick='minutes']")


def test_the_page_and_the_server_use_the_same_words(journey):
    agent = journey("frontline")
    page = agent.page
    agent.sign_in("frontline@demo.test")
    # The page's deferred script sets it: the sign-in's navigation can return before it has run.
    page.wait_for_function("window.tierdeskTimes !== undefined")
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    for seconds in (
        0,
        29,
        30,
        31,
        89,
        90,
        91,
        3569,
        3570,
        5399,
        5400,
        9000,
        48 * 3600 - 1800,
        48 * 3600,
        3.5 * 86400,
        2.5 * 86400,
    ):
        for sign in (1, -1):
            words = page.evaluate(f"window.tierdeskTimes.relative({sign * seconds})")
            assert words == _relative(now - timedelta(seconds=sign * seconds), now), (sign * seconds, words)
            left = page.evaluate(f"window.tierdeskTimes.minutesLeft({sign * seconds})")
            assert left == _business_minutes(-sign * seconds / 60), (sign * seconds, left)
