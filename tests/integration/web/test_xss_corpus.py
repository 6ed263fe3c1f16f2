"""Every field that people type and others read goes through every page that shows it, with a
corpus of script payloads: none may come out as live markup. Add each new field here."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from app.domain.vocabulary import Status
from app.services.accounts.teams import save_team
from app.services.relationship.changes import log_touchpoint
from app.services.tickets.ratings import rate_ticket
from tests import factories

PAYLOADS = [
    '<script>alert("x1")</script>',
    '"><img src=x onerror=alert("x2")>',
    "'><svg onload=alert('x3')>",
    '<a href="javascript:alert(4)">x4</a>',
    "</textarea><iframe src=https://evil.test></iframe>",
    '<div style="background:url(javascript:alert(6))">x6</div>',
]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def dangers(html: str) -> list[str]:
    """Markup that could run: handlers, inline scripts or styles, script URLs, frames."""
    parser = _Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.found:
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            problems.append("inline script")
        if tag in {"iframe", "object", "embed", "style"}:
            problems.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                problems.append(f"{tag}@{name}")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                problems.append(f"{tag}@{name}={value}")
    return problems


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_comes_out_live_on_any_page(app, payload, login_as, client):
    org = factories.make_org(name=f"{payload} org"[:120])
    owner = factories.make_customer(organization=org, name=f"{payload} customer"[:120])
    agent = factories.make_agent(tier=1, name=f"{payload} agent"[:120])
    admin = factories.make_admin()
    ticket = factories.make_ticket(owner, tier=1, subject=f"{payload} subject"[:200], status=Status.solved)
    factories.make_ticket(owner, tier=1, subject=f"{payload} open subject"[:200], status=Status.open)
    factories.make_message(ticket, owner.user, body=f"{payload} customer message")
    factories.make_message(ticket, agent, body=f"{payload} public reply")
    factories.make_message(ticket, agent, body=f"{payload} internal note", internal=True)
    save_team(admin, name=f"{payload} team"[:80], tier=1)
    log_touchpoint(admin, kind="promotion", summary=f"{payload} touchpoint", organization_id=org.id)
    rate_ticket(owner.user, ticket.id, 2, f"{payload} rating comment")
    # Typed at sign-in and sent as the browser's name: both shown in the audit log.
    client.post(
        "/auth/login",
        data={"email": f"{payload}@example.test", "password": "x"},
        headers={"User-Agent": f"{payload} browser"},
    )

    pages = {
        owner.user: ["/portal/", f"/portal/tickets/{ticket.id}", "/portal/profile", "/auth/security"],
        agent: [
            f"/desk/tickets/{ticket.id}",
            f"/desk/customers/{owner.id}",
            f"/desk/organizations/{org.id}",
            "/desk/queues/tier-1",
            "/auth/security",
        ],
        admin: ["/admin/users", "/admin/teams", "/admin/audit/"],
    }
    for person, urls in pages.items():
        login_as(person)
        for url in urls:
            response = client.get(url)
            html = response.get_data(as_text=True)
            assert response.status_code == 200, url
            assert dangers(html) == [], (url, payload)
            assert payload not in html, (url, payload)
        client.post("/auth/logout")


def test_the_check_itself_sees_a_live_payload():
    assert dangers('<p><img src=x onerror=alert(1)><script>x</script><a href="javascript:x">') == [
        "img@onerror",
        "inline script",
        "a@href=javascript:x",
    ]
