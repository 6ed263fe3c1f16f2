"""Files through the API: a reply or note with files goes through the portal's checks and limits,
each message's files can be listed and downloaded, and a customer's token never reaches another
customer's files or an internal note's."""

from __future__ import annotations

import io

from sqlalchemy import select

from app.extensions import db
from app.models import Attachment, Message
from tests.factories import make_agent, make_customer, make_ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _post(client, ticket_id: int, files: list[tuple[bytes, str]], **fields):
    data = {
        key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in fields.items()
    }
    data["attachments"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post(f"/api/v1/tickets/{ticket_id}/messages", data=data, content_type="multipart/form-data")


def test_a_customer_replies_with_files_and_downloads_them_again(api):
    ticket = make_ticket(status="open")
    client = api(ticket.customer.user)

    response = _post(
        client, ticket.id, [(b"line 1\nline 2\n", "app.log"), (PNG, "screen.png")], body="Logs attached"
    )

    assert response.status_code == 201, response.get_json()
    message = response.get_json()
    assert message["body"] == "Logs attached" and message["internal"] is False
    assert [(a["filename"], a["content_type"]) for a in message["attachments"]] == [
        ("app.log", "text/plain"),
        ("screen.png", "image/png"),
    ]
    listed = client.get(f"/api/v1/tickets/{ticket.id}/messages/{message['id']}/attachments").get_json()
    assert listed["items"] == message["attachments"]
    with client.get(message["attachments"][0]["url"]) as download:
        assert download.status_code == 200 and download.data == b"line 1\nline 2\n"
    assert db.session.get(Message, message["id"]).author_id == ticket.customer.user.id


def test_files_are_refused_as_on_the_portal_and_nothing_is_kept(api, app, monkeypatch):
    ticket = make_ticket(status="open")
    client = api(ticket.customer.user)
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 100)  # the app lives for the whole run

    disguised = _post(client, ticket.id, [(b"MZ\x90\x00", "invoice.pdf")], body="See the invoice")
    too_big = _post(client, ticket.id, [(b"x" * 101, "big.txt")], body="A big one")
    too_many = _post(client, ticket.id, [(b"a", f"{n}.txt") for n in range(4)], body="Many")
    page = _post(client, ticket.id, [(b"<html><script>", "notes.txt")], body="Markup")

    for response in (disguised, too_big, too_many, page):
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["field"] == "attachments"
    assert db.session.scalar(select(Attachment.id).where(Attachment.ticket_id == ticket.id)) is None
    assert db.session.scalar(select(Message.id).where(Message.ticket_id == ticket.id)) is None


def test_a_text_value_where_a_file_goes_is_a_bad_request(api):
    ticket = make_ticket(status="open")
    response = api(ticket.customer.user).post(
        f"/api/v1/tickets/{ticket.id}/messages",
        data={"body": "hello", "attachments": "not a file"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "attachments.0"


def test_internal_notes_files_stay_with_staff(api):
    ticket = make_ticket(status="open")
    agent = api(make_agent(tier=1))
    owner = api(ticket.customer.user)

    note = _post(agent, ticket.id, [(b"host=db1\n", "trace.txt")], body="The trace", internal=True)
    assert note.status_code == 201, note.get_json()
    note_body = note.get_json()
    assert note_body["internal"] is True
    files_url = f"/api/v1/tickets/{ticket.id}/messages/{note_body['id']}/attachments"

    assert agent.get(files_url).get_json()["items"][0]["filename"] == "trace.txt"
    assert owner.get(files_url).status_code == 404
    assert owner.get(note_body["attachments"][0]["url"]).status_code == 404
    assert _post(owner, ticket.id, [], body="Let me in", internal=True).status_code == 403


def test_another_customer_reaches_neither_the_message_nor_its_files(api):
    ticket = make_ticket(status="open")
    reply = _post(api(ticket.customer.user), ticket.id, [(b"ok\n", "a.txt")], body="Mine").get_json()
    stranger = api(make_customer().user)

    assert stranger.get(f"/api/v1/tickets/{ticket.id}/messages/{reply['id']}/attachments").status_code == 404
    assert stranger.get(reply["attachments"][0]["url"]).status_code == 404
    assert _post(stranger, ticket.id, [(b"ok\n", "b.txt")], body="Theirs").status_code == 404
    other_ticket = make_ticket(ticket.customer, status="open")
    # A message is only found under its own ticket.
    owner = api(ticket.customer.user)
    assert (
        owner.get(f"/api/v1/tickets/{other_ticket.id}/messages/{reply['id']}/attachments").status_code == 404
    )


def test_an_agent_reply_with_files_may_set_the_status(api):
    ticket = make_ticket(status="open", tier=1)
    agent = api(make_agent(tier=1))

    response = _post(agent, ticket.id, [(PNG, "fix.png")], body="Fixed, see the screenshot", status="pending")

    assert response.status_code == 201, response.get_json()
    assert agent.get(f"/api/v1/tickets/{ticket.id}").get_json()["status"] == "pending"
    mixed = _post(agent, ticket.id, [], body="note", internal=True, status="pending")
    assert mixed.status_code == 422 and mixed.get_json()["field"] == "status"
