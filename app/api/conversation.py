"""/api/v1/tickets/<id>/messages, /api/v1/attachments/<id> and a ticket's CSAT answer."""

from __future__ import annotations

import os

from flask import send_file

from app.api.auth import api_user
from app.api.core import Blueprint, document_errors
from app.api.schemas import AttachmentsOut, CsatAnswerOut, MessageIn, MessageOut, MessagesOut, RatingIn
from app.api.shapes import attachment_shape, message_shape
from app.domain.errors import InvalidInput, NotFound
from app.services.tickets.attachments import (
    attachment_for,
    attachments_by_message,
    message_attachments,
    stored_path,
)
from app.services.tickets.conversation import add_internal_note, add_reply
from app.services.tickets.page import ticket_page
from app.services.tickets.ratings import answer_for, rate_ticket

bp = Blueprint("api_conversation", __name__, url_prefix="/api/v1/tickets", description="Messages and CSAT")
files = Blueprint("api_attachments", __name__, url_prefix="/api/v1/attachments", description="Attachments")


def _csat(ticket) -> dict:
    answer = answer_for(ticket)
    if answer is None:
        return {"answer": None}
    return {
        "answer": {
            "rating": answer.rating,
            "comment": answer.comment,
            "created_at": answer.created_at,
            "updated_at": answer.updated_at,
        }
    }


@bp.get("/<int:ticket_id>/messages")
@bp.response(200, MessagesOut)
@document_errors(bp, (401, 404, 429))
def messages(ticket_id: int):
    """The conversation, oldest first, with its files; customers never get internal notes."""
    user = api_user()
    view = ticket_page(user, ticket_id)
    by_message = attachments_by_message(m.id for m in view.messages)
    return {"items": [message_shape(m, by_message.get(m.id, []), user.is_staff) for m in view.messages]}


@bp.get("/<int:ticket_id>/csat")
@bp.response(200, CsatAnswerOut)
@document_errors(bp, (401, 404, 429))
def csat(ticket_id: int):
    """The customer's rating of the outcome, if they gave one."""
    return _csat(ticket_page(api_user(), ticket_id).ticket)


@bp.put("/<int:ticket_id>/csat")
@bp.arguments(RatingIn)
@bp.response(200, CsatAnswerOut)
@document_errors(bp, (400, 401, 403, 404, 422, 429))
def rate(body: dict, ticket_id: int):
    """The requester rates a solved request from 1 to 5 (and may change it for a while)."""
    rate_ticket(api_user(), ticket_id, body["rating"], body["comment"])
    return _csat(ticket_page(api_user(), ticket_id).ticket)


@files.get("/<int:attachment_id>")
@files.response(200, content_type="application/octet-stream", description="The file, as it was uploaded")
@document_errors(files, (401, 404, 429))
def download(attachment_id: int):
    """A file of a message you may read."""
    attachment = attachment_for(api_user(), attachment_id)
    path = stored_path(attachment)
    if not os.path.isfile(path):
        raise NotFound("The file is no longer stored.")
    response = send_file(
        path,
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:ticket_id>/messages")
@bp.arguments(MessageIn, location="multipart")
@bp.response(201, MessageOut)
@document_errors(bp, (400, 401, 403, 404, 409, 413, 422, 429))
def post_message(body: dict, ticket_id: int):
    """A reply (or, for staff, an internal note with `internal=true`) with files attached, checked
    and limited as on the portal; the message comes back with its files."""
    user = api_user()
    if body["internal"]:
        if "status" in body or "expected_version" in body:
            raise InvalidInput("An internal note leaves the status alone.", field="status")
        message = add_internal_note(user, ticket_id, body["body"], files=body["attachments"])
    else:
        message = add_reply(
            user,
            ticket_id,
            body["body"],
            status=body.get("status"),
            expected_version=body.get("expected_version"),
            files=body["attachments"],
        )
    return message_shape(message, attachments_by_message([message.id]).get(message.id, []), user.is_staff)


@bp.get("/<int:ticket_id>/messages/<int:message_id>/attachments")
@bp.response(200, AttachmentsOut)
@document_errors(bp, (401, 404, 429))
def message_files(ticket_id: int, message_id: int):
    """The files of one message; download each at its `url`."""
    return {"items": [attachment_shape(a) for a in message_attachments(api_user(), ticket_id, message_id)]}
