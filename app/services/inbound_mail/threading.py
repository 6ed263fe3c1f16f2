"""Which ticket a mail belongs to, and whether its sender may write on that ticket."""

from __future__ import annotations

import functools
from datetime import datetime
from enum import StrEnum
from typing import TypeVarTuple

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from app.domain.ids import is_row_id
from app.domain.mail_headers import references_in, thread_ids
from app.domain.tickets import parse_reference
from app.extensions import db
from app.models import MailId, Ticket
from app.services.inbound_mail.senders import Sender

Ts = TypeVarTuple("Ts")


class Found(StrEnum):
    header = "header"
    subject = "subject"


class SenderRole(StrEnum):
    requester = "requester"
    contact = "contact"
    agent = "agent"


def find_ticket(
    in_reply_to: str | None, references: str | None, subject: str, prefix: str
) -> tuple[Ticket | None, Found | None]:
    """The ticket a mail answers: by our stored Message-IDs first, then by [TD-…] in the subject.

    Called inside the mail's transaction: the ticket is locked and read afresh, with its customer
    and organization, as a reply needs it."""
    ids = thread_ids(in_reply_to, references)
    if ids:
        # The tickets of every id the mail points at, with the ids, in one statement.
        found = {
            message_id: ticket for ticket, message_id in db.session.execute(_by_message_ids(), {"ids": ids})
        }
        for item in ids:
            if item in found:
                return found[item], Found.header
    for reference in references_in(subject, prefix):
        ticket_id = parse_reference(reference)
        ticket = _locked_ticket(ticket_id) if ticket_id is not None else None
        if ticket is not None:
            return ticket, Found.subject
    return None, None


@functools.cache
def _by_message_ids() -> Select[Ticket, str]:
    """Built once per process: the tickets of the Message-IDs in `:ids`, with the ids."""
    return _locked(select(Ticket, MailId.message_id).join(MailId, MailId.ticket_id == Ticket.id)).where(
        MailId.message_id.in_(bindparam("ids", expanding=True))
    )


def _locked(query: Select[*Ts]) -> Select[*Ts]:
    """Tickets locked and read afresh, with their customer and organization."""
    return (
        query.options(joinedload(Ticket.customer), joinedload(Ticket.organization))
        .with_for_update(of=Ticket)
        .execution_options(populate_existing=True)
    )


def _locked_ticket(ticket_id: int) -> Ticket | None:
    if not is_row_id(ticket_id):
        return None
    return db.session.scalars(_locked(select(Ticket).where(Ticket.id == ticket_id))).first()


def sender_role(ticket: Ticket, sender: Sender) -> SenderRole | None:
    """How the sender stands to the ticket: its requester, a contact of its organization who
    sees the organization's tickets (an organization admin), an agent; None for anyone else
    (their mail never lands in the ticket)."""
    if sender.agent is not None:
        return SenderRole.agent
    if ticket.customer is not None and ticket.customer.email.lower() == sender.address:
        return SenderRole.requester
    contact = sender.customer
    if (
        contact is not None
        and contact.is_org_admin
        and ticket.organization_id is not None
        and contact.organization_id == ticket.organization_id
    ):
        return SenderRole.contact
    return None


def thread_entry(
    message_id: str | None, ticket_id: int, message_row_id: int | None, sender: str, now: datetime
) -> MailId | None:
    """The stored Message-ID of a received mail, so answers to it thread the same way."""
    if not message_id:
        return None
    return MailId(
        message_id=message_id,
        ticket_id=ticket_id,
        ticket_message_id=message_row_id,
        outbound=False,
        address=sender,
        created_at=now,
    )
