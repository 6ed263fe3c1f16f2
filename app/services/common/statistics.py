"""Keeping the query planner's statistics current, so that queues and counts stay flat as the
tables grow without anyone running ANALYZE by hand."""

from __future__ import annotations

from app.database import gather_statistics
from app.extensions import db


def refresh_statistics(*, full: bool = False) -> str:
    """Gather statistics on a connection of its own; `full` after bulk loads (demo, imports).
    Returns what was run, for the job's log line."""
    with db.engine.connect() as connection:
        gather_statistics(connection, full=full)
        return "analyze" if full else "optimize"
