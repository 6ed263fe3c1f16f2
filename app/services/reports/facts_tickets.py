"""Facts of the ticket itself and of its activity: opened, replied, solved, reopened, deflected,
touchpoints."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Activity, Organization, Ticket
from app.models.activity import IS_REPORTED_KIND
from app.services.reports.fact_shape import (
    ACTIVITY_METRICS,
    NO_DIMS,
    Fact,
    dim_columns,
    dims_of,
    opening_tier,
    with_dims,
)


def created_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    query = (
        select(Ticket.id, Ticket.created_at, opening_tier(), *dim_columns())
        .outerjoin(Organization, Organization.id == Ticket.organization_id)
        .where(Ticket.created_at >= start, Ticket.created_at < end)
    )
    for row in db.session.connection().execute(query):
        yield Fact("created", row[1], row[0], row[2], "", dims_of(row, 3))


# The activity kinds whose facts are read from the row's data.
WORKED_ACTIVITY = tuple(
    kind for kind, metric in ACTIVITY_METRICS.items() if metric in ("deflected", "touchpoint")
)


def activity_facts(start: datetime, end: datetime, kinds: tuple[str, ...] | None = None) -> Iterator[Fact]:
    query = with_dims(
        select(
            Activity.kind,
            Activity.created_at,
            Activity.ticket_id,
            Activity.actor_id,
            Activity.data,
            Ticket.tier,
            *dim_columns(),
        ),
        Activity.ticket_id,
    ).where(
        Activity.kind.in_(list(kinds or ACTIVITY_METRICS)),
        IS_REPORTED_KIND,
        Activity.created_at >= start,
        Activity.created_at < end,
    )
    for row in db.session.connection().execute(query):
        kind, at, ticket_id, actor_id, data, tier = row[:6]
        metric, dims, data = ACTIVITY_METRICS[kind], dims_of(row, 6), data or {}
        if metric == "reply":
            yield Fact(metric, at, ticket_id, tier or 0, "", dims, agent_id=actor_id or 0)
        elif metric == "deflected":
            key = str(data.get("category") or "")
            article = data.get("article_id")
            yield Fact(metric, at, ticket_id, 0, key, dims)
            if article is not None:
                yield Fact("deflected_article", at, ticket_id, 0, str(article), dims)
        elif metric == "touchpoint":
            yield Fact(metric, at, None, 0, str(data.get("touchpoint") or ""), NO_DIMS)
        else:
            yield Fact(metric, at, ticket_id, tier or 0, "", dims)
