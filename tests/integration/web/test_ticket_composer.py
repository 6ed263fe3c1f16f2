"""The ticket page's composer: a reply or a note saved together with the properties panel, all or
nothing; canned replies put in place; a refused save keeps what was typed."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.domain.vocabulary import Priority, Status
from app.extensions import db
from app.models import Message, Ticket, TicketTag
from app.services.tickets.canned_replies import save_canned
from tests import factories
from tests.factories import signed_in


def fresh(ticket_id: int) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def version(page: str) -> str:
    return re.search(r'name="reply-version" type="hidden" value="(\d+)"', page).group(1)


def messages() -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(select(Message).order_by(Message.id)))


def test_send_and_set_pending_saves_the_reply_and_every_property_at_once(client, login_as):
    ticket = factories.make_ticket(tier=1)
    agent = factories.make_agent(tier=1, name="Ada")
    login_as(agent)
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "Send and set pending" in page and 'id="props-title"' in page
    response = client.post(
        f"/desk/tickets/{ticket.id}/reply",
        data={
            "reply-version": version(page),
            "reply-mode": "reply",
            "reply-body": "Could you send the export log?",
            "reply-status": "",
            "reply-priority": "high",
            "reply-assignee": str(agent.id),
            "reply-tag": "Export",
            "then": "pending",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Reply sent; priority high; assignment saved; tagged &#39;export&#39;." in text
    saved = fresh(ticket.id)
    assert (saved.status, saved.priority, saved.assignee_id) == (Status.pending, Priority.high, agent.id)
    assert [(m.body, m.internal) for m in messages()] == [("Could you send the export log?", False)]
    assert db.session.get(TicketTag, (ticket.id, "export")) is not None


def test_a_note_with_a_status_change(client, login_as):
    ticket = factories.make_ticket(tier=1)
    login_as(factories.make_agent(tier=1))
    response = client.post(
        f"/desk/tickets/{ticket.id}/reply",
        data={
            "reply-mode": "note",
            "reply-body": "Waiting for the vendor's answer",
            "reply-status": "on_hold",
        },
    )
    assert response.status_code == 302
    assert [(m.body, m.internal) for m in messages()] == [("Waiting for the vendor's answer", True)]
    assert fresh(ticket.id).status is Status.on_hold


def test_nothing_typed_and_nothing_changed_is_refused(client, login_as):
    ticket = factories.make_ticket(tier=1)
    login_as(factories.make_agent(tier=1))
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    response = client.post(
        f"/desk/tickets/{ticket.id}/reply",
        data={"reply-version": version(page), "reply-body": "  ", "reply-priority": ticket.priority.value},
    )
    assert response.status_code == 400
    assert "The message is empty and nothing else changed." in response.get_data(as_text=True)


def test_save_properties_keeps_the_typed_message_as_a_draft(client, login_as):
    ticket = factories.make_ticket(tier=1)
    login_as(factories.make_agent(tier=1))
    response = client.post(
        f"/desk/tickets/{ticket.id}/reply",
        data={"reply-body": "Half-written answer", "reply-priority": "urgent", "then": "properties"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Half-written answer</textarea>" in page and "Priority urgent." in page
    assert fresh(ticket.id).priority is Priority.urgent
    assert messages() == []


def test_one_refused_property_saves_nothing_and_keeps_the_text(client, login_as):
    ticket = factories.make_ticket(tier=2)
    frontline = factories.make_agent(tier=1, name="Fran")
    login_as(factories.make_agent(tier=2))
    response = client.post(
        f"/desk/tickets/{ticket.id}/reply",
        data={"reply-body": "Here is the fix", "reply-priority": "high", "reply-assignee": str(frontline.id)},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Fran works tiers up to 1" in page and "Here is the fix</textarea>" in page
    assert messages() == [] and fresh(ticket.id).priority is Priority.normal


def test_a_stale_composer_keeps_the_text_and_the_chosen_properties(app):
    ticket = factories.make_ticket(tier=1)
    first = signed_in(app, factories.make_agent(tier=1))
    second = signed_in(app, factories.make_agent(tier=1))
    seen = version(first.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True))
    assert (
        second.post(f"/desk/tickets/{ticket.id}/reply", data={"reply-status": "on_hold"}).status_code == 302
    )
    refused = first.post(
        f"/desk/tickets/{ticket.id}/reply",
        data={
            "reply-version": seen,
            "reply-mode": "note",
            "reply-body": "My long note",
            "reply-priority": "low",
        },
    )
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "changed since you opened it" in page and "My long note</textarea>" in page
    assert '<option selected value="low">' in page  # the agent's choice, not the stored one
    assert re.search(r'<input[^>]*checked[^>]*value="note"', page)  # still a note
    assert messages() == [] and fresh(ticket.id).priority is Priority.normal
    again = first.post(
        f"/desk/tickets/{ticket.id}/reply",
        data={"reply-version": version(page), "reply-mode": "note", "reply-body": "My long note"},
    )
    assert again.status_code == 302 and [m.body for m in messages()] == ["My long note"]


def test_canned_reply_as_json_for_the_page_script(client, login_as):
    agent = factories.make_agent(name="Theo")
    ticket = factories.make_ticket(factories.make_customer(name="Ola"))
    reply = save_canned(agent, title="Hello", body="Dear {{customer.name}}, we are on it.")
    login_as(agent)
    url = f"/desk/tickets/{ticket.id}/canned"
    answer = client.post(url, data={"canned_id": str(reply.id)}, headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.json == {"text": "Dear Ola, we are on it."}
    bad = client.post(url, data={"canned_id": "x"}, headers={"Accept": "application/json"})
    assert bad.status_code == 400 and bad.is_json
    assert messages() == []


def test_canned_reply_without_the_script_keeps_the_typed_text(client, login_as):
    agent = factories.make_agent()
    ticket = factories.make_ticket(factories.make_customer(name="Ola"))
    reply = save_canned(agent, title="Hello", body="Thanks, {{customer.name}}.")
    login_as(agent)
    page = client.post(
        f"/desk/tickets/{ticket.id}/canned",
        data={"canned_id": str(reply.id), "reply-body": "First my own words.", "reply-mode": "note"},
    ).get_data(as_text=True)
    assert "First my own words.\n\nThanks, Ola.</textarea>" in page
    assert re.search(r'<input[^>]*checked[^>]*value="note"', page)


def test_a_tags_remove_button_takes_it_off_and_keeps_the_typed_message(client, login_as):
    ticket = factories.make_ticket(tier=1)
    login_as(factories.make_agent(tier=1))
    client.post(f"/desk/tickets/{ticket.id}/reply", data={"reply-tag": "vip", "then": "properties"})
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert 'name="remove_tag" value="vip"' in page and 'aria-label="Remove the tag vip"' in page

    response = client.post(
        f"/desk/tickets/{ticket.id}/reply", data={"reply-body": "Still typing", "remove_tag": "vip"}
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Still typing</textarea>" in page and "Tag &#39;vip&#39; removed." in page
    assert db.session.scalars(select(TicketTag).where(TicketTag.ticket_id == ticket.id)).all() == []
    assert messages() == []
