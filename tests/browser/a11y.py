"""The accessibility pass: labels on every control, unique ids, headings in order, contrast of
the main actions. The checks run in the page (a11y.js) on the DOM as the browser rendered it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHECKER = (Path(__file__).with_name("a11y.js")).read_text()


def audit(page: Page) -> list[str]:
    """The problems found on the page as it is now (empty when it passes)."""
    return page.evaluate(CHECKER)


def assert_accessible(page: Page) -> None:
    problems = audit(page)
    assert not problems, f"Accessibility problems on {page.url}:\n- " + "\n- ".join(problems)
