"""The written search indexes merge their segments sixteen at a time on SQLite (each opening adds
a segment to the ticket index), and searching still finds what every opening wrote."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db
from app.search_schema import MERGE_SEGMENTS
from app.services.queues.search import search_tickets
from tests.factories import make_agent, make_customer, make_ticket


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's GIN indexes have no segments to merge")


@pytest.mark.parametrize("fts", ["tickets_fts", "messages_fts"])
def test_the_written_indexes_merge_sixteen_segments_at_a_time(sqlite_only, fts):
    setting = db.session.execute(text(f"SELECT v FROM {fts}_config WHERE k = 'automerge'")).scalar()
    assert setting == MERGE_SEGMENTS == 16


def test_every_opening_is_found_across_many_segments(sqlite_only):
    customer = make_customer()
    # Each ticket in its own transaction: one segment each, more than a level holds before it merges.
    references = []
    for n in range(3 * MERGE_SEGMENTS + 5):
        ticket = make_ticket(customer, subject=f"Quarterly ledger mismatch {n}")
        db.session.commit()
        references.append(ticket.id)
    page = search_tickets(make_agent(tier=4), "ledger", size=100)
    assert sorted(hit.ticket.id for hit in page.hits) == sorted(references)
    # FTS5 raises SQLITE_CORRUPT_VTAB when the index and the tickets disagree.
    db.session.execute(text("INSERT INTO tickets_fts(tickets_fts, rank) VALUES ('integrity-check', 1)"))
