"""Reading the local catch-all (the .eml files written when no MAIL_URL is set)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser

from app.domain.errors import NotFound
from app.services.mail.transport import catchall_dir

_NAME = re.compile(r"^[A-Za-z0-9._-]+\.eml$")
_LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True, slots=True)
class CaughtMail:
    name: str
    to: str
    subject: str
    date: str
    text: str
    links: tuple[str, ...]


def _read(path: str, name: str) -> CaughtMail:
    with open(path, "rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    part = message.get_body(preferencelist=("plain",))
    text = part.get_content() if part is not None else ""
    return CaughtMail(
        name=name,
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or ""),
        date=str(message["Date"] or ""),
        text=text,
        links=tuple(dict.fromkeys(_LINK.findall(text))),
    )


def caught_mails(limit: int = 50) -> list[CaughtMail]:
    """The newest mails in the catch-all folder, newest first."""
    folder = catchall_dir()
    if not os.path.isdir(folder):
        return []
    names = [entry for entry in os.scandir(folder) if _NAME.match(entry.name)]
    names.sort(key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
    return [_read(entry.path, entry.name) for entry in names[:limit]]


def caught_mail(name: str) -> CaughtMail:
    """One mail of the catch-all by its file name."""
    path = os.path.join(catchall_dir(), name)
    if not _NAME.match(name) or not os.path.isfile(path):
        raise NotFound("No such mail.")
    return _read(path, name)
