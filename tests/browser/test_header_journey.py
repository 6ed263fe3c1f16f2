"""The site header: one row at 1,280 px; on a 390 px phone one row too (brand, search, Menu), the
links folding behind Menu, which opens them without script, for the desk, the admin and the portal."""

from __future__ import annotations

import pytest

from tests.browser.journey import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def _header_height(page) -> float:
    box = page.locator(".site-header").bounding_box()
    assert box is not None
    return box["height"]


@pytest.mark.parametrize(
    ("email", "path", "searchable"),
    [
        ("frontline@demo.test", "/desk/", True),
        ("admin@demo.test", "/admin/", True),
        ("customer@demo.test", "/portal/", False),
    ],
)
def test_the_header_is_one_row_wide_and_folds_its_links_behind_menu_on_a_phone(
    journey, browser, live_server, email, path, searchable
):
    person = journey(email.split("@")[0])
    person.sign_in(email)
    person.page.goto(path)
    person.page.screenshot(path=person.folder / "header-script-desktop.png")
    assert _header_height(person.page) < 56  # one row at 1,280 px, with the script-only "Keys" button
    no_script = browser.new_context(viewport=DESKTOP, base_url=live_server.url, java_script_enabled=False)
    no_script.add_cookies(person.page.context.cookies())
    page = no_script.new_page()
    page.set_viewport_size(DESKTOP)
    page.goto(path)
    page.screenshot(path=person.folder / "header-desktop.png")
    assert _header_height(page) < 56  # one row at 1,280 px
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert not page.get_by_role("link", name="Menu").is_visible()
    page.set_viewport_size(PHONE)
    assert _header_height(page) < 56  # one row at 390 px
    assert not page.get_by_role("button", name="Sign out").is_visible()
    assert page.locator("#nav-search").is_visible() is searchable
    page.get_by_role("link", name="Menu").click()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.get_by_role("link", name="Security").is_visible()
    page.screenshot(path=person.folder / "menu-open-phone.png")
    page.get_by_role("link", name="Close menu").click()
    assert not page.get_by_role("button", name="Sign out").is_visible()
    page.screenshot(path=person.folder / "menu-closed-phone.png")
    no_script.close()
