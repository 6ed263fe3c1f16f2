"""The plain facts of a span of days counted by the database: a ticket opened, a reply, a solve or
reopen, a breach or warning, a CSAT answer, a target met. Each is one row of history whose cell is
read from its columns alone, so the database groups and counts them straight into the fold's
cells table; only the facts that need Python (business time, dwell, JSON data) pass through it.

The facts here are the ones `facts.py` yields for the drill-down, cell for cell: a test counts
both ways after random histories."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Insert, Integer, String, case, cast, func, insert, literal, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from app.domain.report_days import DayCuts
from app.domain.sla_vocabulary import SlaEventKind
from app.models import Activity, CsatAnswer, Organization, SlaClock, SlaEvent, Ticket
from app.models.activity import IS_REPORTED_KIND
from app.services.reports.fact_shape import ACTIVITY_METRICS, opening_tier
from app.services.reports.rollup_write import CELL_FIELDS, CELLS

# The activity kinds counted here; the others (a deflection's category, a touchpoint's kind) are
# read from the row's JSON in Python.
PLAIN_ACTIVITY = {
    kind: metric for kind, metric in ACTIVITY_METRICS.items() if metric in ("solved", "reopened", "reply")
}


def day_of(cuts: DayCuts, column: Any) -> ColumnElement[Any]:
    """The reporting day an instant column falls on, within the span of `cuts`."""
    whens = [
        (column < cut, literal(day, Date)) for day, cut in zip(cuts.days[:-1], cuts.cuts[1:-1], strict=True)
    ]
    last = literal(cuts.days[-1], Date)
    return case(*whens, else_=last) if whens else last


def _dims(agent: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    """The ticket's dimensions as the roll-ups keep them (0 or '' where absent), and the agent."""
    return [
        func.coalesce(Ticket.team_id, 0),
        func.coalesce(type_coerce(Ticket.priority, String), ""),
        func.coalesce(type_coerce(Ticket.channel, String), ""),
        func.coalesce(type_coerce(Organization.account_tier, String), ""),
        func.coalesce(Ticket.sla_policy_id, 0),
        agent,
        func.coalesce(Ticket.organization_id, 0),
    ]


def _grouped(
    cuts: DayCuts, at: Any, metric: Any, tier: Any, key: Any, agent: Any, value: Any, source: Any
) -> Insert:
    """INSERT … SELECT into the fold's cells: the rows of `source` in the span, grouped by cell."""
    columns = [day_of(cuts, at), metric, tier, *_dims(agent), key]
    inner = (
        source.add_columns(
            *(c.label(name) for c, name in zip(columns, CELL_FIELDS, strict=True)), value.label("value")
        )
        .outerjoin(Organization, Organization.id == Ticket.organization_id)
        .where(at >= cuts.begins, at < cuts.ends)
        .subquery()
    )
    keys = [inner.c[name] for name in CELL_FIELDS]
    counted = select(*keys, func.count(), func.sum(inner.c.value)).group_by(*keys)
    return insert(CELLS).from_select([*CELL_FIELDS, "count", "total"], counted)


def _text(value: str) -> ColumnElement[Any]:
    return literal(value, String)


def _zero() -> ColumnElement[Any]:
    return literal(0, Integer)


def plain_fact_counts(cuts: DayCuts) -> list[Insert]:
    """One INSERT … SELECT per kind of plain fact."""
    assignee = func.coalesce(Ticket.assignee_id, 0)
    opened = _grouped(
        cuts,
        Ticket.created_at,
        _text("created"),
        opening_tier(),
        _text(""),
        assignee,
        _zero(),
        select().select_from(Ticket),
    )
    kind = Activity.kind
    activity = _grouped(
        cuts,
        Activity.created_at,
        case(*((kind == k, _text(m)) for k, m in PLAIN_ACTIVITY.items())),
        func.coalesce(Ticket.tier, 0),
        _text(""),
        case(
            (kind == "agent_replied", func.coalesce(Activity.actor_id, Ticket.assignee_id, 0)), else_=assignee
        ),
        _zero(),
        select()
        .select_from(Activity)
        .outerjoin(Ticket, Ticket.id == Activity.ticket_id)
        .where(kind.in_(list(PLAIN_ACTIVITY)), IS_REPORTED_KIND),
    )
    events = _grouped(
        cuts,
        SlaEvent.created_at,
        case(
            (type_coerce(SlaEvent.kind, String) == SlaEventKind.breach.value, _text("sla_breach")),
            else_=_text("sla_warn"),
        ),
        SlaEvent.tier,
        type_coerce(SlaEvent.target, String),
        assignee,
        _zero(),
        select().select_from(SlaEvent).outerjoin(Ticket, Ticket.id == SlaEvent.ticket_id),
    )
    ratings = _grouped(
        cuts,
        CsatAnswer.created_at,
        _text("csat"),
        func.coalesce(Ticket.tier, 0),
        cast(CsatAnswer.rating, String),
        assignee,
        CsatAnswer.rating,
        select().select_from(CsatAnswer).outerjoin(Ticket, Ticket.id == CsatAnswer.ticket_id),
    )
    met = _grouped(
        cuts,
        SlaClock.satisfied_at,
        _text("sla_met"),
        SlaClock.tier,
        type_coerce(SlaClock.target, String),
        assignee,
        _zero(),
        select()
        .select_from(SlaClock)
        .outerjoin(Ticket, Ticket.id == SlaClock.ticket_id)
        .where(SlaClock.breached_at.is_(None)),
    )
    return [opened, activity, events, ratings, met]
