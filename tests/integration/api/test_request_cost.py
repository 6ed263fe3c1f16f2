"""What the API adds around a use case: one statement to know the caller (the token, its owner,
the owner's customer profile and organization), a rate limit over several windows, and schemas
that keep nothing from one request to the next."""

from __future__ import annotations

from sqlalchemy import event, select

from app.extensions import db
from app.models import Ticket
from app.services.accounts.api_tokens import authenticate_api_token, create_api_token
from app.services.sla.setup import install_default_sla
from tests.factories import make_admin, make_agent, make_customer, make_team
from tests.integration.services.test_create_cost import PORTAL_REQUEST_STATEMENTS


class Statements:
    """The SQL statements sent while the block runs."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def _count(self, _conn, _cursor, statement, *_args) -> None:
        self.sent.append(statement)

    def __enter__(self) -> list[str]:
        event.listen(db.engine, "before_cursor_execute", self._count)
        return self.sent

    def __exit__(self, *_exc) -> None:
        event.remove(db.engine, "before_cursor_execute", self._count)


def test_one_statement_brings_the_token_its_owner_and_the_owners_customer_and_organization():
    customer = make_customer()
    raw = create_api_token(customer.user, "script", "read_write")[1]
    authenticate_api_token(raw)  # its last use written now, so the next lookup only reads
    customer_id, organization_id = customer.id, customer.organization_id
    db.session.remove()

    with Statements() as sent:
        token = authenticate_api_token(raw)
        assert token is not None
        owner = token.user
        organization = owner.customer.organization

    assert len(sent) == 1, "\n".join(sent)
    assert owner.customer.id == customer_id and organization.id == organization_id


def test_a_ticket_opened_through_the_api_costs_no_more_statements_than_the_portals(client, now):
    install_default_sla(make_admin(), now=now)
    make_agent(tier=1, team_id=make_team(tier=1, assignment_mode="round_robin").id)
    customer = make_customer()
    headers = {"Authorization": f"Bearer {create_api_token(customer.user, 'script', 'read_write')[1]}"}
    body = {"subject": "Warm up", "description": "The export stops half way.", "category": "technical"}
    assert client.post("/api/v1/tickets", json=body, headers=headers).status_code == 201

    with Statements() as sent:
        answer = client.post("/api/v1/tickets", json={**body, "subject": "The export fails"}, headers=headers)

    assert answer.status_code == 201, answer.get_json()
    assert len(sent) <= PORTAL_REQUEST_STATEMENTS, "\n".join(sent)
    ticket = db.session.scalars(select(Ticket).where(Ticket.subject == "The export fails")).one()
    assert answer.headers["Location"] == f"/api/v1/tickets/{ticket.id}"
    assert answer.get_json()["reference"] == ticket.reference


def test_the_shortest_limit_is_shown_and_the_first_one_used_up_refuses(app, client, monkeypatch):
    raw = create_api_token(make_agent(), "busy", "read")[1]
    headers = {"Authorization": f"Bearer {raw}"}
    # Listed longest window first: the answers still describe the minute's limit.
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "5 per hour; 2 per minute")
    try:
        answers = [client.get("/api/v1/tickets?limit=1", headers=headers) for _ in range(3)]
    finally:
        app.extensions["tierdesk_limiter"].reset()

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a.headers["RateLimit-Limit"] for a in answers] == ["2", "2", "2"]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["1", "0", "0"]
    assert answers[0].headers["RateLimit-Policy"] == "2;w=60"
    assert answers[0].headers["X-RateLimit-Limit"] == "2"
    assert int(answers[0].headers["X-RateLimit-Reset"]) > int(answers[0].headers["RateLimit-Reset"])
    assert 0 < int(answers[2].headers["Retry-After"]) <= 61  # the window's end, rounded up
    # Only a refusal says when to come back.
    assert ["Retry-After" in a.headers for a in answers] == [False, False, True]
    assert answers[2].get_json()["status"] == 429


def test_a_schema_keeps_nothing_from_the_request_before(client):
    customer = make_customer()
    headers = {"Authorization": f"Bearer {create_api_token(customer.user, 'script', 'read_write')[1]}"}

    no_subject = client.post("/api/v1/tickets", json={"description": "It stops half way."}, headers=headers)
    no_description = client.post("/api/v1/tickets", json={"subject": "Export"}, headers=headers)

    assert (no_subject.status_code, no_description.status_code) == (400, 400)
    assert {e["field"] for e in no_subject.get_json()["errors"]} == {"subject"}
    assert {e["field"] for e in no_description.get_json()["errors"]} == {"description"}
