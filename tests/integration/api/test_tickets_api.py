"""The ticket operations of /api/v1 act through the desk's services: the same rules, history and
access checks as the pages."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Activity, Message, Ticket, TierChange
from tests.factories import make_admin, make_agent, make_customer, make_ticket


def test_a_customer_opens_a_request_and_reads_it_without_the_desk_fields(api):
    customer = make_customer()
    client = api(customer.user)

    response = client.post("/api/v1/tickets", json={"subject": "Export fails", "description": "It spins."})

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["subject"] == "Export fails"
    assert "tier" not in body and "tags" not in body
    ticket = db.session.get(Ticket, body["id"])
    assert ticket.channel == "api" and ticket.customer_id == customer.id
    assert response.headers["Location"] == f"/api/v1/tickets/{ticket.id}"
    kinds = db.session.scalars(select(Activity.kind).where(Activity.ticket_id == ticket.id)).all()
    assert "ticket_opened" in kinds
    assert client.get(f"/api/v1/tickets/{ticket.id}").get_json()["reference"] == ticket.reference


def test_a_customer_never_reaches_another_customers_request(api):
    other = make_ticket()
    client = api(make_customer().user)

    assert client.get(f"/api/v1/tickets/{other.id}").status_code == 404
    assert client.get(f"/api/v1/tickets/{other.id}/messages").status_code == 404
    assert client.post(f"/api/v1/tickets/{other.id}/replies", json={"body": "hi"}).status_code == 404
    assert client.get("/api/v1/tickets").get_json()["items"] == []


def test_customers_never_read_internal_notes(api):
    ticket = make_ticket()
    agent = make_agent(tier=1)
    assert api(agent).post(f"/api/v1/tickets/{ticket.id}/notes", json={"body": "secret"}).status_code == 201
    assert api(agent).post(f"/api/v1/tickets/{ticket.id}/replies", json={"body": "hello"}).status_code == 201

    staff_view = api(agent).get(f"/api/v1/tickets/{ticket.id}/messages").get_json()["items"]
    customer_view = api(ticket.customer.user).get(f"/api/v1/tickets/{ticket.id}/messages").get_json()["items"]

    assert [m["body"] for m in staff_view] == ["secret", "hello"]
    assert [m["body"] for m in customer_view] == ["hello"]


def test_staff_open_a_ticket_for_a_customer_and_must_name_one(api):
    customer = make_customer()
    agent = api(make_agent(tier=1))

    missing = agent.post("/api/v1/tickets", json={"subject": "Phone call", "description": "Asked about VAT."})
    made = agent.post(
        "/api/v1/tickets",
        json={"subject": "Phone call", "description": "Asked about VAT.", "customer_id": customer.id},
    )

    assert missing.status_code == 422
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert missing.get_json()["field"] == "customer"
    assert made.status_code == 201 and made.get_json()["customer_id"] == customer.id


def test_a_tier_move_needs_a_reason_code_and_is_recorded_as_on_the_desk(api):
    ticket = make_ticket(tier=1)
    client = api(make_agent(tier=2))

    refused = client.post(f"/api/v1/tickets/{ticket.id}/tier", json={"tier": 2, "reason": "Needs logs"})
    moved = client.post(
        f"/api/v1/tickets/{ticket.id}/tier",
        json={"tier": 2, "reason": "Needs logs", "reason_code": "needs_expertise"},
    )

    assert refused.status_code == 400
    assert refused.get_json()["field"] == "reason_code"
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["tier"] == 2
    change = db.session.scalars(select(TierChange).where(TierChange.ticket_id == ticket.id)).one()
    assert (change.from_tier, change.to_tier, change.reason_code) == (1, 2, "needs_expertise")


def test_an_agent_cannot_change_a_ticket_above_their_tier(api):
    ticket = make_ticket(tier=3)
    client = api(make_agent(tier=1))

    response = client.post(f"/api/v1/tickets/{ticket.id}/priority", json={"priority": "high"})

    assert response.status_code == 403
    assert "read-only to you" in response.get_json()["detail"]


def test_status_priority_tag_and_assignment_go_through_the_services(api):
    ticket = make_ticket(tier=1)
    agent = make_agent(tier=1)
    client = api(agent)

    assert (
        client.post(f"/api/v1/tickets/{ticket.id}/priority", json={"priority": "urgent"}).status_code == 200
    )
    assert client.post(f"/api/v1/tickets/{ticket.id}/tags", json={"tag": "vip"}).status_code == 201
    assigned = client.post(f"/api/v1/tickets/{ticket.id}/assignment", json={"assignee_id": agent.id})
    solved = client.post(f"/api/v1/tickets/{ticket.id}/status", json={"status": "solved"})
    again = client.post(f"/api/v1/tickets/{ticket.id}/priority", json={"priority": "urgent"})

    assert assigned.get_json()["assignee_id"] == agent.id
    assert solved.get_json()["status"] == "solved"
    assert solved.get_json()["tags"] == ["vip"]
    assert again.status_code == 422 and again.get_json()["field"] == "priority"


def test_a_stale_expected_version_is_a_conflict(api):
    ticket = make_ticket(tier=1)
    client = api(make_agent(tier=1))
    seen = client.get(f"/api/v1/tickets/{ticket.id}").get_json()["version"]
    client.post(f"/api/v1/tickets/{ticket.id}/priority", json={"priority": "high"})

    response = client.post(
        f"/api/v1/tickets/{ticket.id}/status", json={"status": "pending", "expected_version": seen}
    )

    assert response.status_code == 409
    assert response.headers["Content-Type"] == "application/problem+json"


def test_merge_answers_with_the_ticket_merged_into(api):
    customer = make_customer()
    keep, duplicate = make_ticket(customer), make_ticket(customer)
    client = api(make_admin())

    response = client.post(f"/api/v1/tickets/{duplicate.id}/merge", json={"target": keep.reference})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["id"] == keep.id
    assert db.session.get(Ticket, duplicate.id).status == "closed"


def test_the_list_pages_by_cursor_newest_first_and_filters(api):
    customer = make_customer()
    tickets = [make_ticket(customer, tier=1 + i % 2) for i in range(5)]
    client = api(make_agent(tier=2))

    first = client.get("/api/v1/tickets?limit=2").get_json()
    second = client.get(f"/api/v1/tickets?limit=2&cursor={first['next_cursor']}").get_json()
    third = client.get(f"/api/v1/tickets?limit=2&cursor={second['next_cursor']}").get_json()
    tier_two = client.get("/api/v1/tickets?tier=2").get_json()

    ids = [t["id"] for page in (first, second, third) for t in page["items"]]
    assert ids == sorted((t.id for t in tickets), reverse=True)
    assert third["next_cursor"] is None
    assert {t["tier"] for t in tier_two["items"]} == {2}


def test_bad_input_is_a_problem_naming_the_field(api):
    client = api(make_agent(tier=1))

    bad_cursor = client.get("/api/v1/tickets?cursor=garbage")
    bad_limit = client.get("/api/v1/tickets?limit=1000")
    not_json = client.client.post(
        "/api/v1/tickets", data="{", headers={**client.headers, "Content-Type": "application/json"}
    )
    unknown = client.post("/api/v1/tickets", json={"subject": "x", "description": "y", "colour": "red"})

    assert bad_cursor.status_code == 422 and bad_cursor.get_json()["field"] == "cursor"
    assert bad_limit.status_code == 400 and bad_limit.get_json()["field"] == "limit"
    assert not_json.status_code == 400
    assert unknown.status_code == 400 and unknown.get_json()["field"] == "colour"
    for response in (bad_cursor, bad_limit, not_json, unknown):
        assert response.headers["Content-Type"] == "application/problem+json"


def test_a_customer_reply_and_rating_work_as_in_the_portal(api):
    ticket = make_ticket(status="solved")
    client = api(ticket.customer.user)

    rated = client.put(f"/api/v1/tickets/{ticket.id}/csat", json={"rating": 5, "comment": "Great"})
    replied = client.post(f"/api/v1/tickets/{ticket.id}/replies", json={"body": "One more thing"})

    assert rated.status_code == 200 and rated.get_json()["answer"]["rating"] == 5
    assert replied.status_code == 201
    assert db.session.get(Ticket, ticket.id).status == "open"  # a customer reply reopens it
    assert db.session.scalars(select(Message.body).where(Message.ticket_id == ticket.id)).all() == [
        "One more thing"
    ]
