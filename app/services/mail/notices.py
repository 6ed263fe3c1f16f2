"""The mail customers get about their requests, queued in the outbox inside the caller's
transaction: received, an agent's public reply, waiting on you, solved (with a rating link)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.models import Attachment, KbArticle, Message, Notification, Ticket
from app.services.common.links import absolute_url
from app.services.common.row_batch import RowBatch, add_row
from app.services.mail.rating_links import rating_token


def _queue_for_customer(
    ticket: Ticket,
    *,
    kind: str,
    subject: str,
    body: str,
    data: dict[str, Any],
    now: datetime,
    message: Message | None = None,
    automatic: bool = True,
    rows: RowBatch | None = None,
) -> Notification | None:
    """The notice as a model object in the session, or as a row of the caller's batch (None)."""
    customer = ticket.customer
    if customer is None or not customer.email:
        return None
    values = {
        "ticket_id": ticket.id,
        "recipient_kind": "customer",
        "recipient_user_id": customer.user_id,
        "recipient_email": customer.email,
        "subject": f"[{ticket.reference}] {subject}"[:200],
        "body": body,
        "kind": kind,
        "template": kind,
        "data": {
            "reference": ticket.reference,
            "ticket_subject": ticket.subject,
            "customer_name": customer.name,
            "portal_url": absolute_url("portal.ticket", ticket_id=ticket.id),
            **data,
        },
        "message_id": message.id if message is not None else None,
        "automatic": automatic,
        "created_at": now,
    }
    notification: Notification | None = add_row(Notification, values, rows)
    return notification


def request_received(
    ticket: Ticket, now: datetime, article: KbArticle | None = None, rows: RowBatch | None = None
) -> None:
    """Tell the customer their request arrived, with its reference and where to follow it, and
    the article that may answer it when one was sent automatically."""
    suggested = (
        {"article_title": article.title, "article_url": absolute_url("kb.article", slug=article.slug)}
        if article is not None
        else {}
    )
    _queue_for_customer(
        ticket,
        kind="received",
        subject=f"We received your request: {ticket.subject}",
        body=ticket.description,
        data=suggested,
        now=now,
        rows=rows,
    )


def agent_replied(ticket: Ticket, message: Message, attachments: list[Attachment], now: datetime) -> None:
    """An agent's public reply goes to the customer as written, its files as links."""
    author = message.author
    _queue_for_customer(
        ticket,
        kind="reply",
        subject=ticket.subject,
        body=message.body,
        data={
            "agent_name": author.name if author else "Support",
            "files": [
                {"name": a.filename, "url": absolute_url("attachments.download", attachment_id=a.id)}
                for a in attachments
            ],
        },
        now=now,
        message=message,
        automatic=False,
    )


def waiting_on_customer(ticket: Ticket, now: datetime) -> None:
    """A reminder that the request waits for the customer's answer."""
    _queue_for_customer(
        ticket,
        kind="reminder",
        subject=f"We are waiting for your answer: {ticket.subject}",
        body="",
        data={},
        now=now,
    )


def request_solved(ticket: Ticket, now: datetime) -> None:
    """The request is solved: a one-click 1–5 rating lands in CSAT and the relationship history."""
    token = rating_token(ticket.id)
    _queue_for_customer(
        ticket,
        kind="solved",
        subject=f"Solved: {ticket.subject}",
        body="",
        data={
            "ratings": [
                {"score": score, "url": absolute_url("mail_links.rate", token=token, score=score)}
                for score in range(1, 6)
            ]
        },
        now=now,
    )
