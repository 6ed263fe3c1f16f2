"""Canned replies: personal and shared, placeholders filled safely, inserted into the reply box."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.extensions import db
from app.models import CannedReply, Message
from app.services.tickets.canned_replies import canned_for, delete_canned, fill_for_ticket, save_canned
from tests.factories import make_admin, make_agent, make_customer, make_ticket


def test_agents_see_shared_and_their_own_replies_only():
    admin, ana, ben = make_admin(), make_agent(name="Ana"), make_agent(name="Ben")
    save_canned(admin, title="Greeting", body="Hello {{customer.name}}", shared=True)
    save_canned(ana, title="Ana's", body="From {{agent.name}}")
    save_canned(ben, title="Ben's", body="x")
    assert [r.title for r in canned_for(ana)] == ["Greeting", "Ana's"]
    with pytest.raises(NotAllowed):
        save_canned(ana, title="Shared?", body="x", shared=True)
    bens = db.session.scalars(select(CannedReply).where(CannedReply.title == "Ben's")).one()
    with pytest.raises(NotFound):
        delete_canned(ana, bens.id)
    with pytest.raises(InvalidInput, match="Unknown placeholder"):
        save_canned(ana, title="Bad", body="{{ config }}")


def test_placeholders_are_filled_for_the_ticket():
    agent = make_agent(name="Theo")
    ticket = make_ticket(make_customer(name="Ada <Admin>"))
    reply = save_canned(agent, title="t", body="Hi {{customer.name}}, {{ticket.reference}}. {{agent.name}}")
    assert fill_for_ticket(agent, reply.id, ticket) == f"Hi Ada <Admin>, {ticket.reference}. Theo"


def test_inserting_fills_the_reply_box_and_sends_nothing(client, login_as):
    agent = make_agent(name="Theo")
    ticket = make_ticket(make_customer(name="<script>x</script>"))
    reply = save_canned(agent, title="Hello", body="Dear {{customer.name}}, we are on it.")
    login_as(agent)
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "Insert into the reply" in page
    filled = client.post(f"/desk/tickets/{ticket.id}/canned", data={"canned_id": str(reply.id)})
    body = filled.get_data(as_text=True)
    assert filled.status_code == 200
    assert "Dear &lt;script&gt;x&lt;/script&gt;, we are on it." in body
    assert db.session.scalars(select(Message)).all() == []
    # The page's other forms start from the ticket, as on a plain visit: escalation to the next
    # tier, the ticket's own status and priority.
    assert '<option selected value="2">' in body
    assert f'<option selected value="{ticket.priority.value}">' in body
    assert client.post(f"/desk/tickets/{ticket.id}/canned", data={"canned_id": "x"}).status_code == 400


def test_the_management_page(client, login_as):
    login_as(make_agent())
    assert (
        client.post("/desk/canned", data={"title": "Thanks", "body": "Thanks, {{agent.name}}"}).status_code
        == 302
    )
    assert client.post("/desk/canned", data={"title": "Bad", "body": "{{ 7*7 }}"}).status_code == 400
    page = client.get("/desk/canned").get_data(as_text=True)
    assert "Thanks, {{agent.name}}" in page
    reply = db.session.scalars(select(CannedReply)).one()
    assert client.post(f"/desk/canned/{reply.id}/delete").status_code == 302
    assert db.session.scalars(select(CannedReply)).all() == []
