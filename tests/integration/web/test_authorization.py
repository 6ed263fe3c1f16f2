"""Route × role: who gets what. Services check too; this proves the web layer end to end."""

from __future__ import annotations

import pytest

from app.domain.vocabulary import Status
from tests.factories import make_admin, make_agent, make_customer, make_message, make_ticket

ROLES = ("anonymous", "owner", "other_customer", "tier1", "tier3", "admin")

# (method, url template, data, expected status per role; "login" = redirect to sign-in)
MATRIX = [
    (
        "GET",
        "/portal/",
        None,
        {"anonymous": "login", "owner": 200, "other_customer": 200, "tier1": 302, "tier3": 302, "admin": 302},
    ),
    (
        "GET",
        "/portal/tickets/{ticket}",
        None,
        {"anonymous": "login", "owner": 200, "other_customer": 404, "tier1": 302, "tier3": 302, "admin": 302},
    ),
    (
        "POST",
        "/portal/tickets/{ticket}/reply",
        {"body": "hello"},
        {"anonymous": "login", "owner": 302, "other_customer": 404, "tier1": 302, "tier3": 302, "admin": 302},
    ),
    (
        "GET",
        "/desk/queues/tier-3",
        None,
        {"anonymous": "login", "owner": 403, "other_customer": 403, "tier1": 200, "tier3": 200, "admin": 200},
    ),
    (
        "GET",
        "/desk/tickets/{ticket}",
        None,
        {"anonymous": "login", "owner": 403, "other_customer": 403, "tier1": 200, "tier3": 200, "admin": 200},
    ),
    (
        "POST",
        "/desk/tickets/{ticket}/priority",
        {"priority-priority": "urgent"},
        {"anonymous": "login", "owner": 403, "other_customer": 403, "tier1": 403, "tier3": 302, "admin": 302},
    ),
    (
        "POST",
        "/desk/tickets/{ticket}/tier",
        {"tier-tier": "2", "tier-reason_code": "wrong_tier", "tier-reason": "Back to technical now"},
        {"anonymous": "login", "owner": 403, "other_customer": 403, "tier1": 403, "tier3": 302, "admin": 302},
    ),
    (
        "GET",
        "/admin/users",
        None,
        {"anonymous": "login", "owner": 403, "other_customer": 403, "tier1": 403, "tier3": 403, "admin": 200},
    ),
    (
        "GET",
        "/admin/rules/",
        None,
        {"anonymous": "login", "owner": 403, "other_customer": 403, "tier1": 403, "tier3": 403, "admin": 200},
    ),
    (
        "GET",
        "/admin/audit/",
        None,
        {"anonymous": "login", "owner": 403, "other_customer": 403, "tier1": 403, "tier3": 403, "admin": 200},
    ),
    (
        "GET",
        "/admin/audit/export.csv",
        None,
        {"anonymous": "login", "owner": 403, "other_customer": 403, "tier1": 403, "tier3": 403, "admin": 200},
    ),
    # Sign-in security: everyone signed in, about themselves only.
    (
        "GET",
        "/auth/security",
        None,
        {"anonymous": "login", "owner": 200, "other_customer": 200, "tier1": 200, "tier3": 200, "admin": 200},
    ),
    (
        "POST",
        "/auth/security/password",
        {"current": "wrong", "password": "a-brand-new-password-7", "confirm": "a-brand-new-password-7"},
        {"anonymous": "login", "owner": 400, "other_customer": 400, "tier1": 400, "tier3": 400, "admin": 400},
    ),
    (
        "POST",
        "/auth/security/two-step/start",
        {},
        {"anonymous": "login", "owner": 302, "other_customer": 302, "tier1": 302, "tier3": 302, "admin": 302},
    ),
    (
        "POST",
        "/auth/security/two-step/confirm",
        {"code": "000000"},
        {"anonymous": "login", "owner": 400, "other_customer": 400, "tier1": 400, "tier3": 400, "admin": 400},
    ),
    (
        "POST",
        "/auth/security/two-step/disable",
        {"password": "wrong", "code": "000000"},
        {"anonymous": "login", "owner": 400, "other_customer": 400, "tier1": 400, "tier3": 400, "admin": 400},
    ),
    # Without a right password just before, the code step sends everyone back to sign in.
    (
        "GET",
        "/auth/two-step",
        None,
        {"anonymous": 302, "owner": 302, "other_customer": 302, "tier1": 302, "tier3": 302, "admin": 302},
    ),
    (
        "POST",
        "/admin/users/{user}/reset-two-step",
        {},
        {"anonymous": "login", "owner": 403, "other_customer": 403, "tier1": 403, "tier3": 403, "admin": 303},
    ),
    (
        "POST",
        "/auth/security/sign-out-everywhere",
        {},
        {"anonymous": "login", "owner": 302, "other_customer": 302, "tier1": 302, "tier3": 302, "admin": 302},
    ),
]


@pytest.fixture
def world():
    owner = make_customer()
    ticket = make_ticket(owner, tier=3, status=Status.open)
    make_message(ticket, make_agent(tier=3), body="Internal: refund approved by finance", internal=True)
    return {
        "ticket": ticket,
        "owner": owner.user,
        "other_customer": make_customer().user,
        "tier1": make_agent(tier=1),
        "tier3": make_agent(tier=3),
        "admin": make_admin(),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "data", "expected"), MATRIX, ids=[f"{m} {u}" for m, u, _, _ in MATRIX]
)
def test_route_by_role(client, login_as, world, role, method, url, data, expected):
    if role != "anonymous":
        login_as(world[role])
    target = url.format(ticket=world["ticket"].id, user=world["tier1"].id)
    response = client.open(target, method=method, data=data)
    want = expected[role]
    if want == "login":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login?next=")
    else:
        assert response.status_code == want, response.get_data(as_text=True)[:500]


def test_the_owner_never_sees_internal_notes(client, login_as, world):
    login_as(world["owner"])
    page = client.get(f"/portal/tickets/{world['ticket'].id}").get_data(as_text=True)
    assert "refund approved by finance" not in page


def test_staff_see_internal_notes(client, login_as, world):
    login_as(world["tier1"])
    page = client.get(f"/desk/tickets/{world['ticket'].id}").get_data(as_text=True)
    assert "refund approved by finance" in page
