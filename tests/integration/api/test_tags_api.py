"""Tags through the API and the ticket page: a tag comes off with the same access check as it
goes on, leaves a line in the history, and the ticket list can be narrowed to a tag (staff)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Activity, TicketTag
from tests.factories import make_agent, make_ticket


def _tags(ticket_id: int) -> list[str]:
    return list(db.session.scalars(select(TicketTag.tag).where(TicketTag.ticket_id == ticket_id)))


def test_an_agent_removes_a_tag_and_the_history_says_so(api):
    ticket = make_ticket(status="open", tier=1)
    agent = make_agent(tier=1, name="Tess Tagger")
    client = api(agent)
    client.post(f"/api/v1/tickets/{ticket.id}/tags", json={"tag": "vip"})
    client.post(f"/api/v1/tickets/{ticket.id}/tags", json={"tag": "billing"})

    response = client.client.delete(f"/api/v1/tickets/{ticket.id}/tags/VIP", headers=client.headers)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["tags"] == ["billing"]
    assert _tags(ticket.id) == ["billing"]
    entry = db.session.scalars(
        select(Activity).where(Activity.ticket_id == ticket.id, Activity.kind == "tag_removed")
    ).one()
    assert entry.actor_id == agent.id and "vip" in entry.summary and entry.data == {"tag": "vip"}


def test_a_tag_the_ticket_lacks_is_refused_and_others_may_not_remove_one(api):
    ticket = make_ticket(status="open", tier=2)
    api(make_agent(tier=2)).post(f"/api/v1/tickets/{ticket.id}/tags", json={"tag": "vip"})

    def delete(user, tag: str):
        client = api(user)
        return client.client.delete(f"/api/v1/tickets/{ticket.id}/tags/{tag}", headers=client.headers)

    missing = delete(make_agent(tier=2), "billing")
    assert missing.status_code == 422 and missing.get_json()["field"] == "tag"
    assert delete(make_agent(tier=1), "vip").status_code == 403  # above the agent's tier
    assert delete(ticket.customer.user, "vip").status_code == 403
    assert _tags(ticket.id) == ["vip"]


def test_the_list_narrows_to_a_tag_for_staff_only(api):
    tagged, plain = make_ticket(status="open"), make_ticket(status="open")
    staff = api(make_agent(tier=1))
    staff.post(f"/api/v1/tickets/{tagged.id}/tags", json={"tag": "outage"})

    found = staff.get("/api/v1/tickets?tag=Outage").get_json()["items"]

    assert [t["id"] for t in found] == [tagged.id]
    assert plain.id not in [t["id"] for t in found]
    refused = api(tagged.customer.user).get("/api/v1/tickets?tag=outage")
    assert refused.status_code == 403
