"""The accessibility pass must catch each regression it is there for, and pass a clean page."""

from __future__ import annotations

import pytest

from tests.browser.a11y import audit

CLEAN = """<!doctype html><html lang="en"><head><title>Clean</title></head><body>
<h1>Page</h1><h2>Form</h2>
<form><label for="name">Name</label><input id="name">
<label>Topic <select name="topic"><option>Billing</option></select></label>
<span id="notes-label">Notes</span><textarea aria-labelledby="notes-label"></textarea>
<input aria-label="Search" type="search"><input type="hidden" name="csrf_token">
<h3>More</h3><button style="background:#0b5cad;color:#fff">Send</button></form>
<h2>Next</h2><nav><a href="#">Home</a></nav></body></html>"""

# case → (the page with one regression, how the checker's report of it starts)
BROKEN = {
    "unlabelled input": (
        CLEAN.replace('<input aria-label="Search" type="search">', '<input type="search">'),
        "unlabelled control: input",
    ),
    "label holding only the select": (
        CLEAN.replace("Topic <select", "<select"),
        "unlabelled control: select",
    ),
    "duplicate id": (CLEAN.replace("<h2>Next</h2>", '<h2 id="name">Next</h2>'), "duplicate id: name"),
    "skipped heading": (CLEAN.replace("<h3>More</h3>", "<h4>More</h4>"), "heading skips a level: h2 then h4"),
    "two h1": (CLEAN.replace("<h2>Next</h2>", "<h1>Next</h1>"), "expected one h1, found 2"),
    "h2 before the h1": (
        CLEAN.replace("<h1>Page</h1><h2>Form</h2>", "<h2>Form</h2><h1>Page</h1>"),
        "first heading is h2",
    ),
    "pale button text": (CLEAN.replace("color:#fff", "color:#6e9fd6"), "low contrast"),
    "pale nav link": (
        CLEAN.replace('<a href="#">Home</a>', '<a href="#" style="color:#bbb">Home</a>'),
        "low contrast",
    ),
}


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_a_clean_page_passes(page):
    page.set_content(CLEAN)
    assert audit(page) == []


@pytest.mark.parametrize("problem", sorted(BROKEN))
def test_each_regression_is_caught(page, problem):
    html, report = BROKEN[problem]
    page.set_content(html)
    problems = audit(page)
    assert any(p.startswith(report) for p in problems), problems


def test_contrast_reads_the_background_behind_a_transparent_button(page):
    page.set_content(
        '<h1>x</h1><div style="background:#14202e">'
        '<button style="background:transparent;color:#1b1f24;border:0">Go</button></div>'
    )
    assert audit(page) == ["low contrast 1.01:1 on button “Go”"]
