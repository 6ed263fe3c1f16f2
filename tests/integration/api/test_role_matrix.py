"""Every API operation for each role and a customer's token: who gets through, who is refused
and how. The matrix must name every operation of the OpenAPI document."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from werkzeug.datastructures import FileStorage

from app.services.kb.articles import save_article
from app.services.tickets.attachments import attachments_by_message
from app.services.tickets.bulk import add_tag
from app.services.tickets.conversation import add_reply
from tests.factories import make_admin, make_agent, make_customer, make_ticket
from tests.integration.api.conftest import token_for

ROLES = ("anonymous", "read_only", "owner", "other_customer", "frontline", "admin")
EVERYONE = {"read_only": 200, "owner": 200, "other_customer": 200, "frontline": 200, "admin": 200}
# Relationship facts are the desk's: customers are refused, whoever's they are.
STAFF_READ = {"read_only": 200, "owner": 403, "other_customer": 403, "frontline": 200, "admin": 200}
STAFF_ONLY_WRITE = {"read_only": 403, "owner": 403, "other_customer": 403, "frontline": 201, "admin": 201}
# The desk's setup is the admins' (a read-only token of a tier-4 agent included).
ADMIN_ONLY = {"read_only": 403, "owner": 403, "other_customer": 403, "frontline": 403, "admin": 200}
TOUCH = {"kind": "promotion", "summary": "Came to the spring webinar"}


@dataclass(frozen=True)
class Op:
    method: str
    path: str  # a template: {ticket}, {solved}, {vendor}, {attachment}
    body: dict | None
    # Expected status per role; "staff" sets frontline and admin, "reads" every signed-in role.
    expected: dict[str, int]
    multipart: bool = False  # the body goes as multipart/form-data (with a file)


def _ops() -> list[Op]:
    def staff_write(ok: int) -> dict[str, int]:
        return {"read_only": 403, "owner": 403, "other_customer": 404, "frontline": ok, "admin": ok}

    return [
        Op("GET", "/tickets", None, {r: 200 for r in ROLES[1:]}),
        Op(
            "POST",
            "/tickets",
            {"subject": "Invoices", "description": "Export fails", "customer_id": "{customer_id}"},
            {"read_only": 403, "owner": 201, "other_customer": 404, "frontline": 201, "admin": 201},
        ),
        Op("GET", "/tickets/{ticket}", None, {**{r: 200 for r in ROLES[1:]}, "other_customer": 404}),
        Op(
            "POST",
            "/tickets/{ticket}/replies",
            {"body": "Any news?"},
            {"read_only": 403, "owner": 201, "other_customer": 404, "frontline": 201, "admin": 201},
        ),
        Op(
            "POST",
            "/tickets/{ticket}/notes",
            {"body": "Checked the logs"},
            {"read_only": 403, "owner": 403, "other_customer": 403, "frontline": 201, "admin": 201},
        ),
        Op("POST", "/tickets/{ticket}/status", {"status": "pending"}, staff_write(200)),
        Op("POST", "/tickets/{ticket}/priority", {"priority": "high"}, staff_write(200)),
        Op("POST", "/tickets/{ticket}/tags", {"tag": "vip"}, staff_write(201)),
        Op("DELETE", "/tickets/{ticket}/tags/{tag}", None, staff_write(200)),
        Op("POST", "/tickets/{ticket}/assignment", {"assignee_id": "{frontline_id}"}, staff_write(200)),
        Op(
            "POST",
            "/tickets/{ticket}/tier",
            {"tier": 2, "reason": "Needs the logs read", "reason_code": "needs_expertise"},
            staff_write(200),  # escalating passes a ticket up, even past the agent's own tier
        ),
        Op(
            "PUT",
            "/tickets/{vendor}/vendor",
            {"reference": "CASE-1", "pauses_clock": False},
            # Tier 4 is above frontline; the admin is refused for want of a vendor to hand it to.
            {**staff_write(422), "frontline": 403},
        ),
        Op("POST", "/tickets/{ticket}/merge", {"target": "{other_reference}"}, staff_write(200)),
        Op(
            "POST",
            "/tickets/{solved}/reopen",
            None,
            {"read_only": 403, "owner": 200, "other_customer": 404, "frontline": 200, "admin": 200},
        ),
        Op("GET", "/tickets/{ticket}/messages", None, {**{r: 200 for r in ROLES[1:]}, "other_customer": 404}),
        Op(
            "POST",
            "/tickets/{ticket}/messages",
            {"body": "The log again"},
            {"read_only": 403, "owner": 201, "other_customer": 404, "frontline": 201, "admin": 201},
            multipart=True,
        ),
        Op(
            "GET",
            "/tickets/{ticket}/messages/{message}/attachments",
            None,
            {**{r: 200 for r in ROLES[1:]}, "other_customer": 404},
        ),
        Op("GET", "/tickets/{solved}/csat", None, {**{r: 200 for r in ROLES[1:]}, "other_customer": 404}),
        Op(
            "PUT",
            "/tickets/{solved}/csat",
            {"rating": 4},
            # Only the person who asked rates the outcome.
            {"read_only": 403, "owner": 200, "other_customer": 404, "frontline": 403, "admin": 403},
        ),
        Op("GET", "/attachments/{attachment}", None, {**{r: 200 for r in ROLES[1:]}, "other_customer": 404}),
        Op("GET", "/customers", None, STAFF_READ),
        Op("GET", "/organizations", None, STAFF_READ),
        Op("GET", "/customers/{customer}", None, STAFF_READ),
        Op("GET", "/customers/{customer}/history", None, STAFF_READ),
        Op("POST", "/customers/{customer}/touchpoints", TOUCH, STAFF_ONLY_WRITE),
        Op("GET", "/organizations/{organization}", None, STAFF_READ),
        Op("GET", "/organizations/{organization}/history", None, STAFF_READ),
        Op("POST", "/organizations/{organization}/touchpoints", TOUCH, STAFF_ONLY_WRITE),
        Op("GET", "/kb/articles", None, EVERYONE),
        Op("GET", "/kb/articles/{article}", None, EVERYONE),
        Op("GET", "/kb/search?q=export", None, EVERYONE),
        Op("GET", "/rules", None, ADMIN_ONLY),
        Op("POST", "/rules/dry-run", {"trigger": "ticket_created", "days": 30}, ADMIN_ONLY),
        Op("GET", "/sla-policies", None, ADMIN_ONLY),
        # Reports: admins every team's, agents their own (these agents have no team), no customer.
        *(
            Op("GET", f"/reports/{slug}", None, STAFF_READ)
            for slug in ("sla", "ladder", "self-service", "customers", "workload", "dashboard")
        ),
    ]


OPS = _ops()


def _fill(value, names: dict):
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return names[value[1:-1]]
    return value


@pytest.fixture
def world():
    owner = make_customer()
    ticket = make_ticket(owner, tier=1, status="open")
    other = make_ticket(owner, tier=1, status="open")
    solved = make_ticket(owner, tier=1, status="solved")
    vendor = make_ticket(owner, tier=4, status="open")
    message = add_reply(
        owner.user,
        ticket.id,
        "The log is attached",
        files=[FileStorage(io.BytesIO(b"line 1\n"), filename="app.log", content_type="text/plain")],
    )
    frontline = make_agent(tier=1)
    admin = make_admin()
    add_tag(admin, ticket.id, "billing")
    article = save_article(
        admin, title="Exporting invoices", body="Use the export button.", category_id=None, published=True
    )
    users = {
        "read_only": make_agent(tier=4),
        "owner": owner.user,
        "other_customer": make_customer().user,
        "frontline": frontline,
        "admin": admin,
    }
    names = {
        "ticket": ticket.id,
        "solved": solved.id,
        "vendor": vendor.id,
        "attachment": attachments_by_message([message.id])[message.id][0].id,
        "message": message.id,
        "tag": "billing",
        "customer_id": owner.id,
        "frontline_id": frontline.id,
        "other_reference": other.reference,
        "customer": owner.id,
        "organization": owner.organization_id,
        "article": article.id,
    }
    return users, names


def test_the_matrix_names_every_operation_of_the_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    placeholders = {
        "{ticket}": "{ticket_id}",
        "{solved}": "{ticket_id}",
        "{vendor}": "{ticket_id}",
        "{attachment}": "{attachment_id}",
        "{message}": "{message_id}",
        "{customer}": "{customer_id}",
        "{organization}": "{organization_id}",
        "{article}": "{article_id}",
    }
    in_matrix = set()
    for op in OPS:
        path = op.path.split("?")[0]
        for ours, theirs in placeholders.items():
            path = path.replace(ours, theirs)
        in_matrix.add((op.method, path))
    assert in_matrix == documented


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("op", OPS, ids=lambda op: f"{op.method} {op.path}")
def test_route_by_role(client, world, op: Op, role: str):
    users, names = world
    headers = {}
    if role != "anonymous":
        scope = "read" if role == "read_only" else "read_write"
        headers["Authorization"] = f"Bearer {token_for(users[role], scope)}"
    path = "/api/v1" + op.path.format(**names)

    if op.multipart:
        data = {**_fill(op.body, names), "attachments": (io.BytesIO(b"line 2\n"), "app.log")}
        sent = {"data": data, "content_type": "multipart/form-data"}
    else:
        sent = {"json": _fill(op.body, names)}
    with client.open(path, method=op.method, headers=headers, **sent) as response:
        expected = 401 if role == "anonymous" else op.expected[role]
        assert response.status_code == expected, response.get_data(as_text=True)
        if expected >= 400:
            assert response.headers["Content-Type"] == "application/problem+json"
