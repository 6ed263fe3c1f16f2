"""One simulated person: a browser-like HTTP session (cookies, CSRF tokens from the real forms)
that records every answer it gets."""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

FORM = re.compile(r'<form[^>]*method="post"[^>]*>')
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME = re.compile(r'name="([^"]+)"')
VALUE = re.compile(r'value="([^"]*)"')
TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class Answer:
    status: int  # 0: no answer (connection refused or dropped, timeout)
    body: str
    location: str
    seconds: float


@dataclass
class Log:
    """What every client saw, shared by all of them (appends are atomic under the GIL)."""

    timings: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    # action -> status -> count, for answers that were not a success (4xx, 5xx, none).
    refusals: dict[str, dict[str, int]] = field(default_factory=dict)
    # marker -> (kind, outcome): "saved" after a success answer, "refused" after a 4xx/5xx,
    # "unknown" when no answer came (the write may or may not have happened).
    writes: dict[str, tuple[str, str]] = field(default_factory=dict)

    def record(self, action: str, answer: Answer) -> None:
        self.timings.setdefault(action, []).append(answer.seconds)
        key = str(answer.status)
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if answer.status >= 400 or answer.status == 0:
            counts = self.refusals.setdefault(action, {})
            counts[key] = counts.get(key, 0) + 1

    def write(self, kind: str, marker: str, answer: Answer, success: int = 302) -> None:
        if answer.status == success or "Your change was saved" in answer.body:
            outcome = "saved"
        elif answer.status == 0:
            outcome = "unknown"
        else:
            outcome = "refused"
        self.writes[marker] = (kind, outcome)


class Session:
    def __init__(self, port: int, log: Log) -> None:
        self.port = port
        self.log = log
        self.cookies: dict[str, str] = {}

    def request(self, action: str, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "tierdesk-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            answer = Answer(
                response.status, text, response.headers.get("Location", ""), time.monotonic() - started
            )
        except (OSError, http.client.HTTPException):
            answer = Answer(0, "", "", time.monotonic() - started)
        finally:
            connection.close()
        self.log.record(action, answer)
        return answer

    def get(self, action: str, path: str) -> Answer:
        return self.request(action, "GET", path)

    def post(self, action: str, path: str, form: dict[str, str]) -> Answer:
        return self.request(action, "POST", path, form)

    def login(self, email: str, password: str) -> bool:
        page = self.get("login_page", "/auth/login")
        fields = form_fields(page.body, "/auth/login")
        answer = self.post("login", "/auth/login", {**fields, "email": email, "password": password})
        return answer.status == 302


def form_fields(page: str, action: str) -> dict[str, str]:
    """The hidden fields (CSRF token, the version the page showed…) of the form posting to `action`."""
    start = page.find(f'action="{action}"')
    if start < 0:  # a form that posts back to its own page names no action
        start = next((m.start() for m in FORM.finditer(page) if "action=" not in m.group(0)), -1)
    if start < 0:
        return {}
    end = page.find("</form>", start)
    fields = {}
    for tag in HIDDEN.findall(page[start:end]):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields
