"""Organization admins see every ticket of their organization; nobody else's reach grows."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.domain.errors import NotAllowed, NotFound
from app.extensions import db
from app.models import Attachment
from app.services.common.access import ticket_for
from app.services.queues.lists import customer_tickets
from app.services.tickets.attachments import attachment_for
from app.services.tickets.conversation import add_internal_note, add_reply
from app.services.tickets.page import ticket_page
from tests.factories import make_agent, make_customer, make_message, make_org, make_ticket


@pytest.fixture(autouse=True)
def storage(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path))


@pytest.fixture
def org():
    return make_org()


@pytest.fixture
def admin(org):
    return make_customer(organization=org, is_org_admin=True)


@pytest.fixture
def colleague_ticket(org):
    return make_ticket(make_customer(organization=org), subject="Colleague's printer")


def test_org_admin_sees_a_colleagues_ticket(admin, colleague_ticket):
    assert ticket_for(admin.user, colleague_ticket.id).id == colleague_ticket.id


def test_a_normal_contact_does_not_see_a_colleagues_ticket(org, colleague_ticket):
    contact = make_customer(organization=org)
    with pytest.raises(NotFound):
        ticket_for(contact.user, colleague_ticket.id)


def test_org_admin_never_sees_another_organizations_tickets(admin):
    other = make_ticket(make_customer(organization=make_org()))
    with pytest.raises(NotFound):
        ticket_for(admin.user, other.id)
    page = customer_tickets(admin.user, organization_wide=True)
    assert other.id not in [t.id for t in page.items]


def test_org_admin_never_gets_internal_notes_or_their_files(admin, colleague_ticket, now):
    agent = make_agent(tier=1)
    make_message(colleague_ticket, agent, body="public answer")
    make_message(colleague_ticket, agent, body="secret note", internal=True)
    note = add_internal_note(
        agent,
        colleague_ticket.id,
        "log attached",
        now=now,
        files=[FileStorage(stream=io.BytesIO(b"token=1\n"), filename="debug.log")],
    )
    view = ticket_page(admin.user, colleague_ticket.id)
    assert [m.body for m in view.messages] == ["public answer"]
    attachment = db.session.scalars(select(Attachment).where(Attachment.message_id == note.id)).one()
    with pytest.raises(NotFound):
        attachment_for(admin.user, attachment.id)


def test_org_admin_may_open_files_on_a_colleagues_public_reply(admin, colleague_ticket, now):
    message = add_reply(
        colleague_ticket.customer.user,
        colleague_ticket.id,
        "see file",
        now=now,
        files=[FileStorage(stream=io.BytesIO(b"a,b\n"), filename="rows.csv")],
    )
    attachment = db.session.scalars(select(Attachment).where(Attachment.message_id == message.id)).one()
    assert attachment_for(admin.user, attachment.id).id == attachment.id
    stranger = make_customer(organization=make_org(), is_org_admin=True)
    with pytest.raises(NotFound):
        attachment_for(stranger.user, attachment.id)


def test_organization_wide_list_holds_the_whole_organization_only_for_admins(org, admin, colleague_ticket):
    own = make_ticket(admin)
    assert [t.id for t in customer_tickets(admin.user).items] == [own.id]
    wide = customer_tickets(admin.user, organization_wide=True)
    assert {t.id for t in wide.items} == {own.id, colleague_ticket.id}
    with pytest.raises(NotAllowed):
        customer_tickets(colleague_ticket.customer.user, organization_wide=True)


def test_portal_scope_toggle_for_an_org_admin(login_as, admin, colleague_ticket):
    client = login_as(admin.user)
    mine = client.get("/portal/").get_data(as_text=True)
    assert "Whole organization" in mine and "Colleague&#39;s printer" not in mine
    response = client.get("/portal/?scope=org")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Colleague&#39;s printer" in page
    assert colleague_ticket.customer.name in page
    ticket_page_html = client.get(f"/portal/tickets/{colleague_ticket.id}")
    assert ticket_page_html.status_code == 200
    assert f"{colleague_ticket.customer.name} wrote" in ticket_page_html.get_data(as_text=True)


def test_portal_refuses_the_organization_scope_to_a_normal_contact(login_as, org, colleague_ticket):
    contact = make_customer(organization=org)
    client = login_as(contact.user)
    assert "Whole organization" not in client.get("/portal/").get_data(as_text=True)
    assert client.get("/portal/?scope=org").status_code == 403
    assert client.get(f"/portal/tickets/{colleague_ticket.id}").status_code == 404
    assert client.get("/portal/?scope=everyone").status_code == 400
