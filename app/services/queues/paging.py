"""Keyset pages of ticket lists: newest or oldest first over (created_at, id), or riskiest first
over (risk_score, id), each page reading one row past its size to know whether another follows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, or_, select, union_all

from app.domain.errors import InvalidInput
from app.domain.vocabulary import Status
from app.extensions import db
from app.models import Ticket
from app.models.types import UTCDateTime
from app.services.common.pagination import (
    Page,
    decode_cursor,
    decode_rank_cursor,
    encode_cursor,
    encode_rank_cursor,
)
from app.services.queues.filters import ORDERS


def _fetch_rows(query: Select, size: int, params: dict | None = None) -> tuple[list[Ticket], bool]:
    rows = list(db.session.scalars(query.limit(size + 1), params or {}).unique())
    return rows[:size], len(rows) > size


def _risk_page(query: Select, after: str | None, size: int, params: dict) -> Page[Ticket]:
    if after:
        score, row_id = decode_rank_cursor(after)
        # The first bound is a plain range on the index; the second settles ties by id.
        query = query.where(Ticket.risk_score <= score, or_(Ticket.risk_score < score, Ticket.id < row_id))
    rows, more = _fetch_rows(query.order_by(Ticket.risk_score.desc(), Ticket.id.desc()), size, params)
    cursor = encode_rank_cursor(rows[-1].risk_score, rows[-1].id) if more else None
    return Page(items=rows, next_cursor=cursor)


def ticket_page(
    query: Select, order: str, after: str | None, size: int, params: dict | None = None
) -> Page[Ticket]:
    """One page of `query` in `order` (risk, newest or oldest), from just past the cursor."""
    if order == "risk":
        return _risk_page(query, after, size, params or {})
    if order not in ORDERS:
        raise InvalidInput("Order is newest or oldest.", field="order")
    rows, more = _fetch_rows(keyset(query, order == "newest", after), size, params)
    cursor = encode_cursor(rows[-1].created_at, rows[-1].id) if more else None
    return Page(items=rows, next_cursor=cursor)


def keyset(query: Select, newest: bool, after: str | None) -> Select:
    """`query` in creation order from just past the cursor."""
    if after:
        query = query.where(*_past(newest, *decode_cursor(after)))
    return _in_creation_order(query, newest)


def _past(newest: bool, created: Any, row_id: Any) -> list[ColumnElement[bool]]:
    # The first bound is a plain range the index seeks to (an OR alone makes SQLite scan the
    # index from the top, so page 1,000 would read 1,000 pages); the second settles ties by id.
    if newest:
        return [Ticket.created_at <= created, or_(Ticket.created_at < created, Ticket.id < row_id)]
    return [Ticket.created_at >= created, or_(Ticket.created_at > created, Ticket.id > row_id)]


def _in_creation_order(query: Select, newest: bool) -> Select:
    if newest:
        return query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
    return query.order_by(Ticket.created_at.asc(), Ticket.id.asc())


def ids_by_status(
    where: Callable[[Status], list[ColumnElement[bool]]],
    statuses: Iterable[Status],
    newest: bool,
    paged: bool,
) -> ColumnElement[bool]:
    """The ids of a page of tickets in creation order from the cursor, read one status at a
    time (`where(status)` narrows each part to that status): each part walks a (…, status,
    created_at, id) index from the cursor for at most a page, and only the page's first ids of
    what they found are kept, sorted by the index's own columns before any row is read. As one
    query over several statuses it would sort every ticket that matches, or need an index of its
    own in creation order. The cursor (when `paged`) and the page's size are bound when it runs
    (`ids_by_status_params`), so a caller may build it once for many pages."""
    rows = bindparam("page_rows", type_=Integer)
    created, row_id = bindparam("after_created", type_=UTCDateTime()), bindparam("after_id", type_=Integer)
    past = _past(newest, created, row_id) if paged else []
    parts = [
        select(
            _in_creation_order(select(Ticket.id, Ticket.created_at).where(*where(status), *past), newest)
            .limit(rows)
            .subquery()
        )
        for status in statuses
    ]
    found = union_all(*parts).subquery()
    order = (found.c.created_at, found.c.id)
    first = select(found.c.id).order_by(*(c.desc() if newest else c.asc() for c in order)).limit(rows)
    return Ticket.id.in_(first)


def ids_by_status_params(after: str | None, size: int) -> dict[str, Any]:
    """The values `ids_by_status` is run with: the cursor's place and the rows a page reads."""
    params: dict[str, Any] = {"page_rows": size + 1}
    if after:
        params["after_created"], params["after_id"] = decode_cursor(after)
    return params
