"""A customer creates a personal API token on the sign-in security page, copies it (shown once),
uses it against /api/v1 and revokes it; an admin sees every token; the API reference page draws
the document from the app's own files."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_customer_creates_uses_and_revokes_a_token(journey, server_db):
    customer = journey("customer")
    page = customer.page
    customer.sign_in("customer@demo.test")
    customer.menu("Security")
    page.get_by_role("heading", name="API tokens").wait_for()
    page.get_by_label("Token name").fill("Status board")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Create a token").click()
    raw = page.locator("#new-api-token").inner_text().strip()
    customer.step("token shown once")

    answer = page.request.get("/api/v1/tickets", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status == 200 and answer.json()["items"]
    assert page.request.get("/api/v1/tickets").status == 401  # the session cookie is not enough

    page.get_by_role("button", name="Revoke the token Status board").click()
    page.get_by_text("is revoked").wait_for()
    customer.step("token revoked")
    assert page.request.get("/api/v1/tickets", headers={"Authorization": f"Bearer {raw}"}).status == 401


def test_an_admin_lists_tokens_and_reads_the_reference(journey, server_db):
    admin = journey("admin")
    page = admin.page
    admin.sign_in("admin@demo.test")
    admin.menu("Security")
    page.get_by_label("Token name").fill("Nightly export")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create a token").click()
    page.locator("#new-api-token").wait_for()
    admin.menu("Admin")
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="API tokens").click()
    page.get_by_role("cell", name="admin@demo.test (admin)").wait_for()
    admin.step("admin api tokens")

    page.goto("/api/v1/docs")
    page.get_by_text("Tierdesk API").first.wait_for()
    page.locator(".opblock").first.wait_for()
    admin.guard.check()
    page.screenshot(path=admin.folder / "90-api-reference-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=admin.folder / "90-api-reference-phone.png", full_page=True)
