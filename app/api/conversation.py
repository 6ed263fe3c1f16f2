"""/api/v1/tickets/<id>/messages, /api/v1/attachments/<id> and a ticket's CSAT answer."""

from __future__ import annotations

import os

from flask import send_file

from app.api.auth import api_user
from app.api.core import Blueprint, document_errors
from app.api.schemas import CsatAnswerOut, MessagesOut, RatingIn
from app.api.shapes import message_shape
from app.domain.errors import NotFound
from app.services.tickets.attachments import attachment_for, attachments_by_message, stored_path
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
    view = ticket_page(api_user(), ticket_id)
    by_message = attachments_by_message(m.id for m in view.messages)
    return {"items": [message_shape(m, by_message.get(m.id, [])) for m in view.messages]}


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
