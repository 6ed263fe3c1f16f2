"""Full-text search over tickets: subjects, descriptions and every message, newest match first.

Two indexed streams are read newest first - ticket texts (subject, description) and messages -
each with LIMIT and a keyset bound on its own ids, and merged by time; a ticket is listed once
per page, at its newest matching text. The cursor holds where each stream stopped, so a page
never reads more than a few dozen index entries, however many tickets are stored.

Staff search everything, internal notes included. A customer searches only their own requests
and never internal notes: both limits are part of the SQL, not a filter on the results.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from app.domain.access import can_view_ticket
from app.domain.errors import InvalidInput, NotAllowed
from app.domain.ids import ROW_ID_MAX, is_digits
from app.domain.search_query import TicketQuery, fts5_match, parse_ticket_query, tsquery_text
from app.extensions import db
from app.models import Customer, Message, Organization, Ticket, User
from app.models.types import UTCDateTime
from app.services.common.access import require_staff
from app.services.common.fulltext import highlight, make_snippet, on_postgres
from app.services.common.rows import find_row

PAGE_SIZE = 20
_READ_AHEAD = 3  # index entries read per stream for each result shown (a ticket's texts repeat)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    customer_id: int | None = None
    organization_id: int | None = None


@dataclass(frozen=True, slots=True)
class TicketHit:
    ticket: Ticket
    matched_in: str  # "ticket", "reply" or "internal note"
    snippet: Markup


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[TicketHit]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class _Doc:
    at: datetime
    doc_id: int
    ticket_id: int
    source: str  # "ticket" or "message"


def search_tickets(
    actor: User,
    query: str,
    filters: SearchFilters = SearchFilters(),
    *,
    after: str | None = None,
    size: int = PAGE_SIZE,
) -> SearchPage:
    """One page of staff search results; internal notes are searched too."""
    require_staff(actor)
    return _search(parse_ticket_query(query), filters, after, size, include_internal=True)


def search_own_tickets(
    actor: User, query: str, *, after: str | None = None, size: int = PAGE_SIZE
) -> SearchPage:
    """A customer's search of their own requests: public messages only."""
    customer = actor.customer
    if customer is None or actor.is_staff:
        raise NotAllowed("Only customers search their own requests.")
    filters = SearchFilters(customer_id=customer.id)
    return _search(parse_ticket_query(query), filters, after, size, include_internal=False)


def _search(
    query: TicketQuery, filters: SearchFilters, after: str | None, size: int, include_internal: bool
) -> SearchPage:
    bounds = dict(zip(("ticket", "message"), _decode(after), strict=True))
    wanted = size * _READ_AHEAD
    streams = {
        source: _stream(source, query, filters, bounds[source], wanted + 1, include_internal)
        for source in bounds
    }
    chosen: dict[int, _Doc] = {}
    used = dict.fromkeys(streams, 0)
    for doc in heapq.merge(*streams.values(), key=lambda d: (d.at, d.doc_id), reverse=True):
        if len(chosen) == size and doc.ticket_id not in chosen:
            break
        chosen.setdefault(doc.ticket_id, doc)
        used[doc.source] += 1
        if used[doc.source] == wanted:
            break  # that stream was read only this far; older matches may interleave
    return SearchPage(_hits(list(chosen.values()), query), _next_cursor(streams, used))


def _next_cursor(streams: dict[str, list[_Doc]], used: dict[str, int]) -> str | None:
    """Each stream resumes below its last used text; 0 marks a stream that ran dry."""
    bounds = []
    for source, docs in streams.items():
        if used[source] < len(docs):
            bounds.append(docs[used[source]].doc_id + 1)
        else:
            bounds.append(0)
    return None if not any(bounds) else f"{bounds[0]}.{bounds[1]}"


def _stream(
    source: str,
    query: TicketQuery,
    filters: SearchFilters,
    bound: int | None,
    limit: int,
    include_internal: bool,
) -> list[_Doc]:
    """Newest matching texts of one kind, below the cursor's bound; [] once it ran dry."""
    if bound == 0:
        return []
    if source == "ticket":
        table, doc, ticket_id, join = "tickets", "t", "t.id", ""
    else:
        table, doc, ticket_id = "messages", "m", "m.ticket_id"
        needs_ticket = filters.customer_id is not None or filters.organization_id is not None
        join = " JOIN tickets t ON t.id = m.ticket_id" if needs_ticket else ""
    params: dict = {"limit": limit}
    where = []
    # On SQLite the bound and the order name the FTS rowid, so FTS5 itself walks its index
    # newest first and stops at LIMIT (naming the joined table's id sorts every match).
    position = f"{doc}.id" if on_postgres() else f"{table}_fts.rowid"
    if bound is not None:
        where.append(f"{position} < :bound")
        params["bound"] = bound
    if source == "message" and not include_internal:
        where.append("m.internal = :public")
        params["public"] = False
    for column, value in (("customer_id", filters.customer_id), ("organization_id", filters.organization_id)):
        if value is not None:
            where.append(f"t.{column} = :{column}")
            params[column] = value
    if on_postgres():
        params["query"] = tsquery_text(query)
        where.append(f"{doc}.search_vector @@ to_tsquery('english', :query)")
        origin = f"{table} {doc}{join}"
    else:
        params["query"] = fts5_match(query)
        where.append(f"{table}_fts MATCH :query")
        origin = f"{table}_fts JOIN {table} {doc} ON {doc}.id = {table}_fts.rowid{join}"
    sql = (
        f"SELECT {doc}.id AS doc_id, {ticket_id} AS ticket_id, {doc}.created_at AS at "
        f"FROM {origin} WHERE {' AND '.join(where)} ORDER BY {position} DESC LIMIT :limit"
    )
    rows = db.session.execute(text(sql).columns(at=UTCDateTime()), params).all()
    return [_Doc(row.at, row.doc_id, row.ticket_id, source) for row in rows]


def _hits(docs: list[_Doc], query: TicketQuery) -> list[TicketHit]:
    """The tickets and snippets of the chosen texts, in two queries whatever the page size."""
    if not docs:
        return []
    tickets = {
        t.id: t
        for t in db.session.scalars(
            select(Ticket)
            .where(Ticket.id.in_([d.ticket_id for d in docs]))
            .options(joinedload(Ticket.customer), joinedload(Ticket.organization))
        )
    }
    message_ids = [d.doc_id for d in docs if d.source == "message"]
    messages = (
        {m.id: m for m in db.session.scalars(select(Message).where(Message.id.in_(message_ids)))}
        if message_ids
        else {}
    )
    words = query.words
    hits = []
    for doc in docs:
        ticket = tickets[doc.ticket_id]
        if doc.source == "ticket":
            body = ticket.description if _mentions(ticket.description, words) else ticket.subject
            hits.append(TicketHit(ticket, "ticket", highlight(make_snippet(body, words))))
        else:
            message = messages[doc.doc_id]
            kind = "internal note" if message.internal else "reply"
            hits.append(TicketHit(ticket, kind, highlight(make_snippet(message.body, words))))
    return hits


def _mentions(body: str, words: list[str]) -> bool:
    lowered = body.lower()
    return any(word[:5] in lowered for word in words)


def _decode(cursor: str | None) -> tuple[int | None, int | None]:
    """Where each stream stopped (0: it ran dry); a tampered cursor is a 400, not a 500."""
    if not cursor:
        return None, None
    parts = cursor.split(".")
    if len(parts) != 2 or not all(is_digits(p) and int(p) <= ROW_ID_MAX for p in parts):
        raise InvalidInput("That page link is broken; start the search again.", "after")
    return int(parts[0]), int(parts[1])


def find_by_reference(actor: User, reference: str) -> Ticket | None:
    """The ticket with exactly this reference ('td-1042' too), if the actor may see it."""
    ticket = db.session.scalars(select(Ticket).where(Ticket.reference == reference.strip().upper())).first()
    if ticket is None or not can_view_ticket(actor.as_actor(), ticket.facts()):
        return None
    return ticket


def resolve_filters(customer: str | None, organization: str | None) -> tuple[SearchFilters, str]:
    """Filters from what was typed: an id, a customer's email or an organization's exact name.
    Returns the filters and a description of them for the page."""
    customer, organization = (customer or "").strip(), (organization or "").strip()
    found_customer = found_org = None
    if customer:
        # Emails are stored lower-cased (accounts.normalize_email): the unique index answers.
        found_customer = (
            find_row(Customer, int(customer))
            if is_digits(customer)
            else db.session.scalars(select(Customer).where(Customer.email == customer.lower())).first()
        )
        if found_customer is None:
            raise InvalidInput(f"No customer {customer}: give their email address.", "customer")
    if organization:
        found_org = (
            find_row(Organization, int(organization))
            if is_digits(organization)
            else db.session.scalars(select(Organization).where(Organization.name == organization)).first()
        )
        if found_org is None:
            raise InvalidInput(f"No organization called {organization}.", "organization")
    described = ", ".join(
        f"{kind} {row.name}"
        for kind, row in (("customer", found_customer), ("organization", found_org))
        if row
    )
    return SearchFilters(
        found_customer.id if found_customer else None, found_org.id if found_org else None
    ), described
