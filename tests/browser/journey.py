"""What every journey does at each step: watch for script errors and failed requests, run the
accessibility pass and keep full-page screenshots at desktop and phone widths."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.demo.data import DEMO_PASSWORD
from tests.browser.a11y import assert_accessible

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Request, Response

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@dataclass
class PageGuard:
    """Collects what must never happen on a page: console errors, uncaught exceptions, requests
    that failed and server errors."""

    problems: list[str] = field(default_factory=list)
    # Pages a journey means to get refused (a form sent back with its errors, a missing page):
    # the browser logs each 4xx as a console error, which is then no problem.
    expected_refusals: int = 0

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught script error: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        refused = re.search(r"responded with a status of 4\d\d", message.text)
        if message.type == "error" and refused and self.expected_refusals > 0:
            self.expected_refusals -= 1
            return
        if message.type == "error":
            self.problems.append(f"console error: {message.text} ({message.location})")

    def _request_failed(self, request: Request) -> None:
        if request.failure == "net::ERR_ABORTED":
            return  # cancelled, not failed: a navigation left before, e.g., the icon arrived
        self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        if response.status >= 500:
            self.problems.append(f"server error {response.status}: {response.request.method} {response.url}")

    def allow_refusal(self, url: str) -> None:
        """A form refused with a 400 on purpose: the browser logs it as a failed resource."""
        self.problems[:] = [p for p in self.problems if not ("status of 400" in p and url in p)]

    def check(self) -> None:
        problems, self.problems[:] = list(self.problems), []
        assert not problems, "The browser saw problems:\n- " + "\n- ".join(problems)


@dataclass
class Journey:
    """One user's way through the app in one page; `step` records where they are."""

    page: Page
    guard: PageGuard
    folder: Path
    count: int = 0
    visited: list[str] = field(default_factory=list)

    def step(self, name: str, *, refused: bool = False) -> None:
        """Check the page as it is now and keep its screenshots (desktop, then phone width).
        `refused`: the page is a form sent back with its problems (a 400 on purpose)."""
        self.page.wait_for_load_state("load")
        if refused:
            self.guard.allow_refusal(self.page.url)
        self.guard.check()
        assert_accessible(self.page)
        self.count += 1
        stem = f"{self.count:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=self.folder / f"{stem}-desktop.png", full_page=True)
        self.page.set_viewport_size(PHONE)
        self.page.screenshot(path=self.folder / f"{stem}-phone.png", full_page=True)
        self.page.set_viewport_size(DESKTOP)
        self.visited.append(self.page.url)

    def expect_refusal(self) -> None:
        """The next page is meant to come back as a 4xx (a form with its errors, a missing page)."""
        self.guard.expected_refusals += 1

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> None:
        """Through the real sign-in form."""
        self.page.goto("/auth/login")
        self.step("sign in")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.get_by_role("button", name="Sign out").wait_for()

    def menu(self, name: str) -> None:
        """Follow a link of the main navigation."""
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
        self.page.wait_for_load_state()
