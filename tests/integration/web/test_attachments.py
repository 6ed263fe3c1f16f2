"""Files on replies: the upload checks, where files go, and who may download them."""

from __future__ import annotations

import io
import os

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from app.extensions import db
from app.models import Attachment, Message
from app.services.common.transaction import transaction
from app.services.tickets.attachments import save_attachments
from app.services.tickets.conversation import add_internal_note, add_reply
from tests.factories import make_agent, make_customer, make_message, make_ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def storage(app, tmp_path, monkeypatch):
    """Every test stores its files in its own empty folder."""
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path))
    return tmp_path


def stored_files(folder) -> list[str]:
    return sorted(name for _, _, names in os.walk(folder) for name in names)


def upload(content: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name)


def post_multipart(client, url: str, data: dict):
    """Encode the body in memory: the test client would spool a large body to a temporary file
    it never closes."""
    stream, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return client.post(
        url,
        input_stream=stream,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def fetch(client, url: str):
    """GET and close: a served file stays open until its response is closed."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def reply(client, ticket, files, body="See the attached files"):
    return post_multipart(client, f"/portal/tickets/{ticket.id}/reply", {"body": body, "attachments": files})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_customer_attaches_files_stored_under_random_keys(login_as, storage):
    ticket = make_ticket()
    client = login_as(ticket.customer.user)
    response = reply(
        client, ticket, [upload(PNG, "screen shot.png"), upload(b"line 1\nline 2\n", "../../etc/app.log")]
    )
    assert response.status_code == 302
    rows = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [(a.filename, a.content_type, a.size) for a in rows] == [
        ("screen shot.png", "image/png", len(PNG)),
        ("app.log", "text/plain", 14),
    ]
    message = db.session.scalars(select(Message)).one()
    assert {a.message_id for a in rows} == {message.id}
    assert {a.uploader_id for a in rows} == {ticket.customer.user.id}
    assert stored_files(storage) == sorted(a.storage_key for a in rows)
    assert all(len(a.storage_key) == 32 for a in rows)

    page = client.get(f"/portal/tickets/{ticket.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert f'href="/attachments/{rows[0].id}">screen shot.png</a>' in page
    assert "14 bytes" in page


def test_a_reply_without_files_still_works(login_as, storage):
    ticket = make_ticket()
    client = login_as(ticket.customer.user)
    response = client.post(
        f"/portal/tickets/{ticket.id}/reply", data={"body": "Thanks"}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert count(Message) == 1 and count(Attachment) == 0
    assert stored_files(storage) == []


@pytest.mark.parametrize(
    ("files", "sentence"),
    [
        ([(b"x" * (5 * 1024 * 1024 + 1), "huge.txt")], "larger than 5 MB"),
        ([(b"a", "1.txt"), (b"b", "2.txt"), (b"c", "3.txt"), (b"d", "4.txt")], "at most 3 files"),
        ([(b"<html><body>hi</body></html>", "page.html")], "not a file type we accept"),
        ([(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg")], "not a file type"),
        ([(b"alert(1)", "run.js")], "not a file type"),
        ([(b"MZ\x90\x00", "setup.exe")], "not a file type"),
        ([(b"<!DOCTYPE html><script>alert(1)</script>", "photo.png")], "does not contain"),
        ([(PNG, "fake.pdf")], "does not contain"),
        ([(b"<html><script>alert(1)</script>", "notes.txt")], "does not contain"),
        ([(b"", "empty.csv")], "is empty"),
    ],
    ids=[
        "too-big",
        "too-many",
        "html",
        "svg",
        "js",
        "exe",
        "png-that-is-html",
        "png-named-pdf",
        "html-named-txt",
        "empty",
    ],
)
def test_bad_files_refuse_the_whole_reply_and_store_nothing(login_as, storage, files, sentence):
    ticket = make_ticket()
    client = login_as(ticket.customer.user)
    good = upload(PNG, "ok.png")
    response = reply(client, ticket, [good, *(upload(c, n) for c, n in files)])
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert sentence in page
    assert 'role="alert"' in page
    assert count(Message) == 0 and count(Attachment) == 0
    assert stored_files(storage) == []


def test_files_written_are_removed_when_the_transaction_fails(now, storage):
    ticket = make_ticket()
    message = make_message(ticket, ticket.customer.user)
    user = ticket.customer.user
    with pytest.raises(RuntimeError), transaction():
        saved = save_attachments(user, ticket, message, [upload(PNG, "a.png")], now)
        assert stored_files(storage) == [saved[0].storage_key]
        raise RuntimeError("later step failed")
    assert stored_files(storage) == []
    assert count(Attachment) == 0


def _attachment(author, ticket, content=PNG, name="shot.png", internal=False, now=None):
    files = [upload(content, name)]
    if internal:
        message = add_internal_note(author, ticket.id, "For staff", files=files, now=now)
    else:
        message = add_reply(author, ticket.id, "Here it is", files=files, now=now)
    return db.session.scalars(select(Attachment).where(Attachment.message_id == message.id)).one()


def test_owner_downloads_an_image_inline_with_safe_headers(login_as, now):
    ticket = make_ticket()
    attachment = _attachment(ticket.customer.user, ticket, now=now)
    response = fetch(login_as(ticket.customer.user), f"/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == PNG
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert response.headers["Content-Disposition"] == "inline; filename=shot.png"


def test_other_types_download_as_attachments_with_the_original_name(login_as, now):
    ticket = make_ticket()
    attachment = _attachment(ticket.customer.user, ticket, PDF, "Invoice March.pdf", now=now)
    response = fetch(login_as(ticket.customer.user), f"/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Invoice March.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"


def test_another_customer_gets_404(login_as, now):
    ticket = make_ticket()
    attachment = _attachment(ticket.customer.user, ticket, now=now)
    stranger = make_customer(organization=ticket.customer.organization)
    assert fetch(login_as(stranger.user), f"/attachments/{attachment.id}").status_code == 404


def test_staff_download_any_attachment(login_as, now):
    ticket = make_ticket(tier=3)
    attachment = _attachment(ticket.customer.user, ticket, now=now)
    response = fetch(login_as(make_agent(tier=1)), f"/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == PNG


def test_attachment_of_an_internal_note_is_404_for_the_customer(login_as, now):
    ticket = make_ticket()
    agent = make_agent(tier=1)
    attachment = _attachment(agent, ticket, b"token=abc\n", "debug.log", internal=True, now=now)
    client = login_as(ticket.customer.user)
    assert fetch(client, f"/attachments/{attachment.id}").status_code == 404
    assert "debug.log" not in client.get(f"/portal/tickets/{ticket.id}").get_data(as_text=True)


def test_staff_see_and_open_note_attachments_on_the_desk(login_as, now):
    ticket = make_ticket()
    agent = make_agent(tier=1)
    attachment = _attachment(agent, ticket, b"token=abc\n", "debug.log", internal=True, now=now)
    client = login_as(agent)
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert f'href="/attachments/{attachment.id}">debug.log</a>' in page
    response = fetch(client, f"/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_agent_attaches_a_file_from_the_desk(login_as, storage):
    ticket = make_ticket()
    client = login_as(make_agent(tier=1))
    response = post_multipart(
        client,
        f"/desk/tickets/{ticket.id}/reply",
        {
            "reply-body": "Try this",
            "reply-status": "",
            "reply-attachments": [upload(b"a,b\n1,2\n", "export.csv")],
        },
    )
    assert response.status_code == 302
    attachment = db.session.scalars(select(Attachment)).one()
    assert (attachment.filename, attachment.content_type) == ("export.csv", "text/csv")
    assert stored_files(storage) == [attachment.storage_key]


def test_desk_shows_a_refused_file_next_to_the_field(login_as, storage):
    ticket = make_ticket()
    client = login_as(make_agent(tier=1))
    response = post_multipart(
        client,
        f"/desk/tickets/{ticket.id}/reply",
        {"reply-body": "Try this", "reply-attachments": [upload(b"MZ", "tool.exe")]},
    )
    assert response.status_code == 400
    assert "not a file type we accept" in response.get_data(as_text=True)
    assert count(Message) == 0 and stored_files(storage) == []


def test_unknown_attachment_is_404_and_anonymous_is_sent_to_sign_in(client, login_as):
    assert client.get("/attachments/1").status_code == 302
    customer = make_customer()
    assert login_as(customer.user).get("/attachments/999").status_code == 404


def test_missing_file_on_disk_is_404_not_500(login_as, storage, now):
    ticket = make_ticket()
    attachment = _attachment(ticket.customer.user, ticket, now=now)
    os.remove(os.path.join(storage, attachment.storage_key[:2], attachment.storage_key))
    assert fetch(login_as(ticket.customer.user), f"/attachments/{attachment.id}").status_code == 404
