"""Statements prepared once per process (common.prepared) read and write what the session would,
with the same types, on SQLite and PostgreSQL; rows read as plain values become the session's
own objects (common.adopted)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, select, update

from app.domain.vocabulary import ACTIVE_STATUSES, Status
from app.extensions import db
from app.models import Ticket, User
from app.services.common.adopted import adopt
from app.services.common.prepared import PreparedStatement
from tests.factories import make_agent, make_ticket

_TICKETS = Ticket.__table__.c
_READ = PreparedStatement(
    select(_TICKETS.id, _TICKETS.status, _TICKETS.created_at, _TICKETS.vendor_pauses_clock)
    .where(_TICKETS.customer_id == bindparam("customer_id"), _TICKETS.status.in_(ACTIVE_STATUSES))
    .order_by(_TICKETS.id)
)


def test_a_prepared_read_gives_the_sessions_values_and_types():
    first = make_ticket(status=Status.open, created_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    make_ticket(first.customer, status=Status.solved)  # not active: the expanded list leaves it out
    db.session.commit()
    expected = db.session.execute(_READ.statement, {"customer_id": first.customer_id}).all()
    for _ in range(2):  # prepared at the first run, reused at the second
        rows = _READ.rows({"customer_id": first.customer_id})
        assert [tuple(row) for row in rows] == [tuple(row) for row in expected]
    ((ticket_id, status, created_at, pauses),) = rows
    assert ticket_id == first.id and status is Status.open and pauses is False
    assert created_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC) and created_at.tzinfo is not None
    with pytest.raises(LookupError):
        _READ.one({"customer_id": -1})


def test_a_prepared_write_counts_its_rows_and_a_list_parameter_is_refused():
    ticket = make_ticket()
    db.session.commit()
    rename = PreparedStatement(
        update(Ticket.__table__)
        .where(_TICKETS.id == bindparam("ticket_id"))
        .values(subject=bindparam("subject"))
    )
    assert rename.execute({"ticket_id": ticket.id, "subject": "Renamed"}) == 1
    assert rename.execute({"ticket_id": -1, "subject": "Nobody"}) == 0
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).subject == "Renamed"
    if db.engine.dialect.name == "sqlite":  # other databases run the statement as the session does
        listed = PreparedStatement(
            select(_TICKETS.id).where(_TICKETS.id.in_(bindparam("ids", expanding=True)))
        )
        with pytest.raises(ValueError):
            listed.rows({"ids": [ticket.id]})


def test_an_adopted_row_is_the_sessions_own_object_or_one_that_reads_the_rest_when_asked():
    agent = make_agent(tier=1)
    db.session.commit()
    assert adopt(User, {"id": agent.id, "name": agent.name}) is agent  # already in the session
    agent_id, name, email = agent.id, agent.name, agent.email
    db.session.expunge_all()
    adopted = adopt(User, {"id": agent_id, "name": name})
    assert db.session.get(User, agent_id) is adopted and adopted.name == name
    assert adopted.email == email  # not given: read when first used
