"""Numbers no row id can be, digits `int` refuses ('²') and NUL characters, typed into forms and
links, are bad input (4xx), never a server error: PostgreSQL refuses an out-of-range integer or a
NUL in text instead of finding nothing."""

from __future__ import annotations

import base64

import pytest

from tests.factories import make_admin, make_agent, make_customer, make_ticket

HUGE = "99999999999999999999"


def agent_requests(ticket_id: int) -> list[tuple[str, str, dict | None, int]]:
    desk = f"/desk/tickets/{ticket_id}"
    return [
        (
            "post",
            "/desk/bulk",
            {"ticket_ids": [HUGE], "action": "priority", "priority": "high", "back": "/desk/"},
            302,  # no ticket has that id: back to the queue, saying that none was ticked
        ),
        ("post", f"{desk}/canned", {"canned_id": HUGE}, 404),
        ("get", f"/desk/search?q=x&customer={HUGE}", None, 400),
        ("get", f"/desk/search?q=x&organization={HUGE}", None, 400),
        (
            "post",
            f"{desk}/tier",
            {
                "tier-tier": "2",
                "tier-reason_code": "needs_expertise",
                "tier-reason": "logs",
                "tier-team": HUGE,
            },
            400,
        ),
        ("post", f"{desk}/merge", {"merge-target": f"TD-{HUGE}"}, 400),
        ("post", f"{desk}/assign", {"assign-assignee": HUGE}, 400),
        ("post", "/desk/away", {"away": "on", "hours": HUGE}, 400),
        ("get", f"/desk/queues/tier-1?after={HUGE}", None, 400),
        ("post", f"/desk/views/{HUGE}/delete", None, 404),
        ("post", "/desk/kb/new", {"category": HUGE, "title": "Title", "body": "Body"}, 400),
        ("get", f"/desk/queues/tier-1?after={_cursor(f'rank|{HUGE}|{HUGE}')}", None, 400),
        (
            "get",
            f"/desk/queues/tier-1?order=newest&after={_cursor(f'2026-03-01T09:00:00+00:00|{HUGE}')}",
            None,
            400,
        ),
        ("get", f"/desk/search?q=x&after=1.{HUGE}", None, 400),
        ("get", "/desk/search?q=x&customer=²", None, 400),
        ("get", "/desk/search?q=x&organization=²", None, 400),
        ("get", "/desk/search?q=x&after=².1", None, 400),
        ("get", "/desk/search?q=x&customer=%00", None, 400),
        ("post", "/desk/views", {"name": "v\x00", "queue": "tier-1"}, 400),
        (
            "post",
            "/desk/bulk",
            {"ticket_ids": ["²"], "action": "priority", "priority": "high", "back": "/desk/"},
            302,  # back to the queue, saying that no ticket was ticked
        ),
        (
            "post",
            "/desk/bulk",
            {"ticket_ids": [str(ticket_id)], "action": "tier", "tier": "²", "reason": "x", "back": "/desk/"},
            302,
        ),
        ("post", f"{desk}/canned", {"canned_id": "²"}, 400),
    ]


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_agent_forms_and_links(client, login_as):
    ticket = make_ticket(tier=1)
    login_as(make_agent(tier=3))
    for method, url, data, expected in agent_requests(ticket.id):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == expected, (url, response.status_code)


def test_customer_forms_and_links(client, login_as):
    login_as(make_customer())
    assert client.get("/portal/search?q=x&after=².1").status_code == 400
    response = client.post(
        "/portal/new", data={"subject": "Printer", "description": "It jams on every page", "seen": "²,7"}
    )
    assert response.status_code in (302, 303), response.status_code


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/teams", {"name": "Night shift", "tier": HUGE}),
        (
            "/admin/users/new",
            {"email": "new@example.test", "name": "New", "role": "agent", "support_tier": "1", "team": HUGE},
        ),
        (f"/admin/users?after={HUGE}", None),
    ],
)
def test_admin_forms_and_links(client, login_as, url, data):
    login_as(make_admin())
    response = client.post(url, data=data) if data is not None else client.get(url)
    assert 400 <= response.status_code < 500, response.status_code


@pytest.mark.parametrize("path", ["/kb/a%00b", "/kb/a%00b/helpful", "/desk/customers/%00", "/portal/%00"])
def test_a_nul_character_in_the_path_names_no_page(client, login_as, path):
    assert client.get(path).status_code == 404
    login_as(make_agent(tier=1))
    assert client.get(path).status_code == 404
