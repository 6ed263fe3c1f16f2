"""Files on ticket messages: checked before anything is written, stored under random keys.

Files are written inside the caller's transaction, after every file passed the checks; if that
transaction rolls back, the files it wrote are deleted again, so no file outlives its row."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from app.domain.access import can_see_internal_notes
from app.domain.errors import InvalidInput, NotFound
from app.extensions import db
from app.models import Attachment, Message, Ticket, User
from app.services.common.access import ticket_for

FIELD = "attachments"
FILENAME_MAX_LENGTH = 200
_KEY = re.compile(r"^[0-9a-f]{32}$")
_WRITTEN = "attachment_paths_written"

# Extension → the content type we store and serve (never the one the browser claimed).
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "pdf": "application/pdf",
    "txt": "text/plain",
    "log": "text/plain",
    "csv": "text/csv",
}
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})
_SIGNATURES = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "pdf": (b"%PDF-",),
}
# Text that a browser could take for a page or a script is refused even as .txt.
_MARKUP_STARTS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe")


@dataclass(frozen=True, slots=True)
class _Checked:
    filename: str
    content_type: str
    data: bytes


def _clean_filename(raw: str) -> str:
    """The last path part, without control characters, short enough to store."""
    name = re.split(r"[\\/]", raw)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    if len(name) > FILENAME_MAX_LENGTH:
        stem, dot, ext = name.rpartition(".")
        keep = FILENAME_MAX_LENGTH - len(dot + ext)
        name = (stem[:keep] + dot + ext) if dot and keep > 0 else name[:FILENAME_MAX_LENGTH]
    return name


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return not head.startswith(_MARKUP_STARTS)


def _check_one(upload: FileStorage, limit: int) -> _Checked:
    name = _clean_filename(upload.filename or "")
    if not name:
        raise InvalidInput("An attached file has no usable name.", field=FIELD)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in CONTENT_TYPES:
        allowed = ", ".join(sorted(set(CONTENT_TYPES) - {"jpeg"}))
        raise InvalidInput(f"“{name}” is not a file type we accept; attach {allowed} files.", field=FIELD)
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(
            f"“{name}” is larger than {human_size(limit)}; attach a smaller file.", field=FIELD
        )
    if not data:
        raise InvalidInput(f"“{name}” is empty.", field=FIELD)
    signatures = _SIGNATURES.get(extension)
    genuine = data.startswith(signatures) if signatures else _looks_like_text(data)
    if not genuine:
        raise InvalidInput(
            f"“{name}” does not contain what its name says ({extension}); it was refused.", field=FIELD
        )
    return _Checked(name, CONTENT_TYPES[extension], data)


def check_files(files: Iterable[FileStorage] | None) -> list[_Checked]:
    """Every chosen file, checked and read; the empty entry of an unused file input is skipped."""
    chosen = [f for f in (files or ()) if f is not None and f.filename]
    limit_files = current_app.config["ATTACHMENT_MAX_FILES"]
    if len(chosen) > limit_files:
        raise InvalidInput(f"Attach at most {limit_files} files to one message.", field=FIELD)
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    return [_check_one(upload, limit) for upload in chosen]


def storage_dir() -> str:
    return current_app.config.get("ATTACHMENTS_DIR") or os.path.join(current_app.instance_path, "attachments")


def stored_path(attachment: Attachment) -> str:
    """Where the file of an attachment lives; the key is ours, never the user's filename."""
    if not _KEY.match(attachment.storage_key):
        raise NotFound("No such file.")
    return os.path.join(storage_dir(), attachment.storage_key[:2], attachment.storage_key)


def save_attachments(
    actor: User,
    ticket: Ticket,
    message: Message,
    files: Iterable[FileStorage] | None,
    now: datetime,
) -> list[Attachment]:
    """Attach files to a flushed message; call inside the message's transaction."""
    checked = check_files(files)
    written: list[str] = db.session.info.setdefault(_WRITTEN, [])
    saved = []
    for item in checked:
        attachment = Attachment(
            ticket_id=ticket.id,
            message_id=message.id,
            uploader_id=actor.id,
            filename=item.filename,
            content_type=item.content_type,
            size=len(item.data),
            storage_key=secrets.token_hex(16),
            created_at=now,
        )
        path = stored_path(attachment)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        written.append(path)
        with open(path, "xb") as handle:
            handle.write(item.data)
        db.session.add(attachment)
        saved.append(attachment)
    if saved:
        db.session.flush()
    return saved


@event.listens_for(Session, "after_commit")
def _keep_written(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_rollback")
def _remove_written(session: Session) -> None:
    for path in session.info.pop(_WRITTEN, ()):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


def attachment_for(actor: User, attachment_id: int) -> Attachment:
    """The attachment if the actor may see its ticket and message; otherwise NotFound."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("No such file.")
    ticket_for(actor, attachment.ticket_id)
    if attachment.message_id is not None and not can_see_internal_notes(actor.as_actor()):
        internal = db.session.scalar(select(Message.internal).where(Message.id == attachment.message_id))
        if internal:
            raise NotFound("No such file.")
    return attachment


def message_attachments(actor: User, ticket_id: int, message_id: int) -> list[Attachment]:
    """The files of one message of a ticket the actor may see; an internal note's files only for
    staff (to anyone else the note does not exist)."""
    ticket = ticket_for(actor, ticket_id)
    message = db.session.get(Message, message_id)
    if message is None or message.ticket_id != ticket.id:
        raise NotFound("No such message on this ticket.")
    if message.internal and not can_see_internal_notes(actor.as_actor()):
        raise NotFound("No such message on this ticket.")
    return attachments_by_message([message.id]).get(message.id, [])


def attachments_by_message(message_ids: Iterable[int]) -> dict[int, list[Attachment]]:
    """The attachments of several messages in one query, keyed by message id."""
    ids = list(message_ids)
    found: dict[int, list[Attachment]] = {}
    if not ids:
        return found
    rows = db.session.scalars(
        select(Attachment).where(Attachment.message_id.in_(ids)).order_by(Attachment.id)
    )
    for attachment in rows:
        if attachment.message_id is not None:  # always, by the query: this tells the type checker
            found.setdefault(attachment.message_id, []).append(attachment)
    return found


def human_size(size: int) -> str:
    """'812 bytes', '14 KB', '2.3 MB'."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
