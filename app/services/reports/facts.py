"""The facts behind the report roll-ups: every countable event in a window of time, read from
the history tables through their time indexes, with the ticket's dimensions beside it.

One reader serves the roll-up fold (which counts the facts of whole days) and the drill-down
(which lists the tickets behind one figure), so a figure and its tickets cannot disagree. Each
part of the history has its own module; this one puts them together.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from app.extensions import db
from app.services.reports.fact_shape import Dims, Fact
from app.services.reports.facts_kb import kb_facts
from app.services.reports.facts_moves import tier_move_facts
from app.services.reports.facts_service import (
    clock_facts,
    csat_facts,
    elapsed_business_minutes,
    sla_event_facts,
)
from app.services.reports.facts_tickets import WORKED_ACTIVITY, activity_facts, created_facts

__all__ = ["Dims", "Fact", "elapsed_business_minutes", "facts_between", "worked_facts_between"]


def facts_between(start: datetime, end: datetime) -> Iterator[Fact]:
    """Every fact whose time lies in [start, end). The readers run on the session's connection
    without the ORM's row handling, so pending changes are flushed first."""
    db.session.flush()
    yield from created_facts(start, end)
    yield from activity_facts(start, end)
    yield from tier_move_facts(start, end)
    yield from clock_facts(start, end)
    yield from sla_event_facts(start, end)
    yield from csat_facts(start, end)
    yield from kb_facts(start, end)


def worked_facts_between(start: datetime, end: datetime) -> Iterator[Fact]:
    """The facts of [start, end) that need Python to be worked out (business time, dwell, a
    vendor's promise, JSON data); the fold has the database count the plain ones
    (`facts_grouped.py`)."""
    db.session.flush()
    yield from activity_facts(start, end, kinds=WORKED_ACTIVITY)
    yield from tier_move_facts(start, end)
    yield from clock_facts(start, end, met=False)
    yield from kb_facts(start, end)
