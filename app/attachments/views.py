"""GET /attachments/<id>: a file for someone who may read its message, served so no browser runs it."""

from __future__ import annotations

import os

from flask import Blueprint, send_file
from flask_login import current_user, login_required

from app.domain.errors import NotFound
from app.services.tickets.attachments import INLINE_TYPES, attachment_for, human_size, stored_path

bp = Blueprint("attachments", __name__)


@bp.app_template_filter("filesize")
def _filesize(size: int) -> str:
    return human_size(size)


@bp.get("/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    attachment = attachment_for(current_user, attachment_id)
    path = stored_path(attachment)
    if not os.path.isfile(path):
        raise NotFound("The file is no longer stored.")
    response = send_file(
        path,
        mimetype=attachment.content_type,  # text/* gets its "; charset=utf-8" from send_file
        as_attachment=attachment.content_type not in INLINE_TYPES,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response
