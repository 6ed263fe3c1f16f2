"""The roll-up table as a comparable multiset."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from app.extensions import db
from app.models import ReportRollup

COLUMNS = (
    "day",
    "grain",
    "metric",
    "tier",
    "team_id",
    "priority",
    "channel",
    "account_tier",
    "policy_id",
    "agent_id",
    "organization_id",
    "key",
    "count",
    "total",
)


def rollup_rows() -> Counter[tuple[object, ...]]:
    return Counter(
        tuple(row) for row in db.session.execute(select(*[getattr(ReportRollup, c) for c in COLUMNS]))
    )


def detail_cells() -> dict[tuple[object, ...], tuple[int, int]]:
    """The detail rows as {cell: (count, total)}, cells keyed as the fold counts them."""
    cell = [c for c in COLUMNS if c not in ("grain", "count", "total")]
    query = select(*[getattr(ReportRollup, c) for c in (*cell, "count", "total")]).where(
        ReportRollup.grain == "detail"
    )
    return {tuple(row[:-2]): (row[-2], row[-1]) for row in db.session.execute(query)}
