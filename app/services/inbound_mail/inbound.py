"""Inbound mail becomes tickets and replies: size and loop checks, the per-sender rate limit,
threading, then the same services as the portal and the desk. Nothing is ever dropped: a mail
that cannot be used is kept whole in the failed-mail store with its reason."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from io import BytesIO

from flask import current_app
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from app.domain import tickets as ticket_rules
from app.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from app.domain.mail_headers import automatic_reason, clean_subject
from app.domain.mail_text import cut_quoted
from app.extensions import db
from app.models import InboundMail, MailId, Ticket, User
from app.models.types import utcnow
from app.services.common.access import require_admin
from app.services.common.transaction import transaction
from app.services.inbound_mail import inbound_store as store
from app.services.inbound_mail.bounces import record_bounce
from app.services.inbound_mail.parsing import MailFile, ParsedMail, UnusableMail, parse_mail
from app.services.inbound_mail.senders import (
    Sender,
    SenderHistory,
    customer_user,
    recheck_sender,
    sender_by_address,
)
from app.services.inbound_mail.threading import Found, SenderRole, find_ticket, sender_role, thread_entry
from app.services.inbound_mail.writer_turns import turn
from app.services.mail.compose import is_our_message_id
from app.services.tickets.attachments import check_files, human_size
from app.services.tickets.conversation import add_customer_reply, add_reply
from app.services.tickets.opening import open_ticket

log = logging.getLogger(__name__)
NO_TEXT = "(The mail had no text.)"
ALREADY_RECEIVED = "already received (same Message-ID)"


def receive_mail(
    raw: bytes, *, source: str = "smtp", now: datetime | None = None, checked_by_admin: bool = False
) -> InboundMail:
    """Turn one raw mail into a ticket or a reply, or keep it with the reason it could not be.

    An admin processing a kept mail again has looked at it: loop and rate checks are skipped.
    A mail that is used is one transaction: the reply or ticket, the record of the mail and its
    Message-ID commit together."""
    now = now or utcnow()
    config = current_app.config
    arrival = store.Arrival(now=now, source=source, size=len(raw))
    limit = config["MAIL_INBOUND_MAX_BYTES"]
    if arrival.size > limit:
        reason = f"the mail is {human_size(arrival.size)}, more than the {human_size(limit)} we take"
        return store.keep(raw, arrival, status=store.FAILED, reason=reason)
    try:
        parsed = parse_mail(raw)
    except UnusableMail as error:
        return store.keep(raw, arrival, status=store.FAILED, reason=str(error))
    about = replace(arrival, sender=parsed.sender, subject=parsed.subject, message_id=parsed.message_id)
    if parsed.bounce is not None:
        bounced = record_bounce(parsed.bounce, about)
        if bounced is not None:
            return bounced
    loop = None if checked_by_admin else _loop_reason(parsed)
    if loop:
        return store.keep(raw, about, status=store.IGNORED, reason=loop)
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        try:
            # What the mail needs is read before its write turn, and only what may have changed
            # meanwhile is read again inside it: the turn is as short as the writes.
            plan = _read(raw, parsed, about, checked_by_admin)
            with turn(), transaction():
                if isinstance(plan, _Plan):
                    row = _write(raw, parsed, about, plan)
                else:
                    row = store.add_record(plan.raw, about, status=plan.status, reason=plan.reason)
        except (IntegrityError, Conflict):
            # Another writer got in between: the ticket changed after it was read (a Conflict),
            # or (PostgreSQL) the same mail or a first mail of the same new sender was written at
            # the same moment. Once more, with everything read inside the turn.
            db.session.rollback()
            with turn(), transaction():
                row = _use(raw, parsed, about, checked_by_admin)
    except (InvalidInput, NotFound, NotAllowed, Conflict) as error:
        return store.keep(raw, about, status=store.FAILED, reason=str(error))
    except Exception as error:  # never a crash: the mail waits for an admin
        log.exception("inbound mail from %s could not be processed", parsed.sender)
        reason = f"could not be processed: {type(error).__name__}: {error}"
        return store.keep(raw, about, status=store.FAILED, reason=reason)
    finally:
        session.expire_on_commit = expire
    # What the mail's work loaded is read afresh next time; the record stays readable.
    for item in list(session.identity_map.values()):
        if item is not row:
            session.expire(item)
    return row


@dataclass(slots=True)
class _Plan:
    """What a mail will become, read before its write turn."""

    sender: Sender
    ticket: Ticket | None
    found: Found | None
    body: str
    files: list[FileStorage]
    notes: list[str]


@dataclass(frozen=True, slots=True)
class _Unused:
    """A mail that is only recorded: a re-delivery, or a sender over the rate limit."""

    raw: bytes | None
    status: str
    reason: str


def _read(raw: bytes, parsed: ParsedMail, about: store.Arrival, checked_by_admin: bool) -> _Plan | _Unused:
    """Before the write turn: the sender and their history, the ticket the mail answers (read
    afresh, with its customer and organization), its text and files."""
    since = about.now - store.rate_window()
    sender, history = sender_by_address(parsed.sender, parsed.message_id, since)
    if history.seen:
        return _Unused(None, store.IGNORED, ALREADY_RECEIVED)
    over = _over_rate(parsed, sender, history, checked_by_admin)
    if over:
        return _Unused(raw, store.FAILED, over)
    prefix = current_app.config["TICKET_REFERENCE_PREFIX"]
    ticket, found = find_ticket(parsed.in_reply_to, parsed.references, parsed.subject, prefix)
    files, notes = _checked_files(parsed.files)
    return _Plan(sender, ticket, found, _body(parsed.text, notes), files, notes)


def _write(raw: bytes, parsed: ParsedMail, about: store.Arrival, plan: _Plan) -> InboundMail:
    """Inside the write turn: the re-checks of what may have changed since `_read`, then the
    ticket or reply with the record of the mail."""
    fresh = recheck_sender(plan.sender, parsed.message_id, reply=plan.ticket is not None)
    if fresh is None:
        return store.add_record(None, about, status=store.IGNORED, reason=ALREADY_RECEIVED)
    sender, history = fresh
    plan.sender = sender
    ticket_id, thread = _apply(parsed, plan, about.now, history.next_message_id)
    return _recorded(raw, about, ticket_id, thread, plan.notes)


def _use(raw: bytes, parsed: ParsedMail, about: store.Arrival, checked_by_admin: bool) -> InboundMail:
    """Inside the mail's transaction: everything `_read` and `_write` do, all under the lock."""
    reply = bool(parsed.in_reply_to or parsed.references)
    since = about.now - store.rate_window()
    sender, history = sender_by_address(parsed.sender, parsed.message_id, since, reply=reply)
    if history.seen:
        return store.add_record(None, about, status=store.IGNORED, reason=ALREADY_RECEIVED)
    over = _over_rate(parsed, sender, history, checked_by_admin)
    if over:
        return store.add_record(raw, about, status=store.FAILED, reason=over)
    prefix = current_app.config["TICKET_REFERENCE_PREFIX"]
    ticket, found = find_ticket(parsed.in_reply_to, parsed.references, parsed.subject, prefix)
    files, notes = _checked_files(parsed.files)
    plan = _Plan(sender, ticket, found, _body(parsed.text, notes), files, notes)
    ticket_id, thread = _apply(parsed, plan, about.now, history.next_message_id)
    return _recorded(raw, about, ticket_id, thread, notes)


def _over_rate(
    parsed: ParsedMail, sender: Sender, history: SenderHistory, checked_by_admin: bool
) -> str | None:
    per_hour = current_app.config["MAIL_SENDER_PER_HOUR"]
    if not checked_by_admin and sender.agent is None and history.recent >= per_hour:
        return f"more than {per_hour} mails in an hour from {parsed.sender}"
    return None


def _recorded(
    raw: bytes, about: store.Arrival, ticket_id: int, thread: MailId | None, notes: list[str]
) -> InboundMail:
    # A mail that lost something on the way (refused files, cut text) is kept whole beside it.
    return store.add_record(
        raw if notes else None,
        about,
        status=store.PROCESSED,
        reason="; ".join(notes) or None,
        ticket_id=ticket_id,
        thread=thread,
    )


def _loop_reason(parsed: ParsedMail) -> str | None:
    if parsed.message_id and is_our_message_id(parsed.message_id):
        return "our own mail came back (a loop)"
    config = current_app.config
    own = frozenset(a.lower() for a in (config["MAIL_FROM"], config["MAIL_REPLY_TO"]) if a)
    return automatic_reason(parsed.headers, parsed.content_type, parsed.sender, own)


def _apply(parsed: ParsedMail, plan: _Plan, now: datetime, row_id: int | None) -> tuple[int, MailId | None]:
    prefix = current_app.config["TICKET_REFERENCE_PREFIX"]
    sender, ticket, found, body, files = plan.sender, plan.ticket, plan.found, plan.body, plan.files
    agent = sender.agent
    role = sender_role(ticket, sender) if ticket is not None else None
    if ticket is not None and found is Found.header and role is None:
        raise NotAllowed(f"{parsed.sender} is not on {ticket.reference}; the mail was not added to it.")
    if (
        ticket is not None
        and found is Found.subject
        and role not in (SenderRole.requester, SenderRole.contact)
    ):
        ticket = None
    if ticket is not None:
        if agent is not None:
            message = add_reply(agent, ticket.id, body, files=files, now=now)
        else:
            actor = customer_user(parsed.sender_name, now, sender)
            message = add_customer_reply(actor, ticket, body, files=files, now=now, row_id=row_id)
        return ticket.id, thread_entry(parsed.message_id, ticket.id, message.id, parsed.sender, now)
    if agent is not None:
        raise NotAllowed(f"{parsed.sender} is an agent and the mail answers no ticket.")
    user = customer_user(parsed.sender_name, now, sender)
    subject = clean_subject(parsed.subject, prefix)[:200] or "(no subject)"
    ticket = open_ticket(user, subject=subject, description=body, channel="email", now=now)
    if files:
        add_reply(user, ticket.id, "Files sent with the request by mail.", files=files, now=now)
    return ticket.id, thread_entry(parsed.message_id, ticket.id, None, parsed.sender, now)


def _body(text: str, notes: list[str]) -> str:
    body = cut_quoted(text) or text.strip() or NO_TEXT
    room = ticket_rules.BODY_MAX_LENGTH - 200
    if len(body) > room:
        notes.append(f"the text was cut at {room} characters")
        body = body[:room] + "\n\n[The rest of the mail is kept with the original.]"
    return body


def _checked_files(files: list[MailFile]) -> tuple[list[FileStorage], list[str]]:
    """The files that pass the portal's checks and limits; a note for each one refused."""
    accepted: list[FileStorage] = []
    notes: list[str] = []
    most = current_app.config["ATTACHMENT_MAX_FILES"]
    for item in files:
        if len(accepted) >= most:
            notes.append(f"“{item.filename}” was left out: at most {most} files per message")
            continue
        try:
            check_files([FileStorage(BytesIO(item.data), filename=item.filename)])
        except InvalidInput as error:
            notes.append(str(error))
            continue
        accepted.append(FileStorage(BytesIO(item.data), filename=item.filename))
    return accepted, notes


def reprocess_mail(actor: User, inbound_id: int) -> InboundMail:
    """An admin runs a kept mail through again; the old entry is marked as reprocessed."""
    require_admin(actor)
    row = db.session.get(InboundMail, inbound_id)
    if row is None or row.raw is None or row.status not in (store.FAILED, store.IGNORED):
        raise NotFound("No such kept mail.")
    raw, source = row.raw, row.source
    row.status = store.REPROCESSED
    db.session.commit()
    return receive_mail(raw, source=source, checked_by_admin=True)
