"""The roll-ups the job keeps equal a recount from the history, whatever happened between folds
(within the job's refile window: the steps here span at most ten days)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.errors import DomainError
from app.domain.sla import Targets
from app.extensions import db
from app.models import Ticket
from app.services.reports.rollup import count_facts, fold_new_history, rebuild_rollups
from app.services.sla.setup import save_calendar, save_policy
from app.services.sweep.sweep import sweep_sla
from app.services.tickets.changes import change_priority, change_status, change_tier
from app.services.tickets.conversation import add_reply, reopen_ticket
from app.services.tickets.opening import open_ticket
from app.services.tickets.ratings import rate_ticket
from tests.factories import make_admin, make_agent, make_customer
from tests.integration.reports.rollup_rows import detail_cells, rollup_rows
from tests.snapshot import empty_tables

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STEPS = (
    "open",
    "agent_reply",
    "customer_reply",
    "pending",
    "resume",
    "up",
    "down",
    "priority",
    "solve",
    "reopen",
    "rate",
    "sweep",
    "fold",
)


def _step(name: str, ticket_ids: list[int], pick: int, agent, customer, now: datetime) -> None:
    ticket_id = ticket_ids[pick % len(ticket_ids)] if ticket_ids else None
    if name == "open" or ticket_id is None:
        ticket_ids.append(open_ticket(customer, subject="Broken", description="x", now=now).id)
    elif name == "agent_reply":
        add_reply(agent, ticket_id, "On it", now=now)
    elif name == "customer_reply":
        add_reply(customer, ticket_id, "Still broken", now=now)
    elif name in ("pending", "resume", "solve"):
        change_status(
            agent, ticket_id, {"resume": "open"}.get(name, name if name != "solve" else "solved"), now=now
        )
    elif name in ("up", "down"):
        tier = db.session.get_one(Ticket, ticket_id).tier + (1 if name == "up" else -1)
        code = "needs_expertise" if name == "up" else "wrong_tier"
        change_tier(agent, ticket_id, tier, "moved", reason_code=code, now=now)
    elif name == "priority":
        urgent = db.session.get_one(Ticket, ticket_id).priority.value != "urgent"
        change_priority(agent, ticket_id, "urgent" if urgent else "normal", now=now)
    elif name == "rate":
        rate_ticket(customer, ticket_id, 1 + pick % 5, now=now)
    elif name == "reopen":
        reopen_ticket(customer, ticket_id, now=now)
    elif name == "sweep":
        sweep_sla(now)
    elif name == "fold":
        fold_new_history(now)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(0, 5), st.integers(1, 26 * 60)), min_size=4, max_size=10
    )
)
@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])  # Kolkata: UTC+5:30, days cut mid-hour
def test_the_folded_roll_ups_equal_a_rebuild_from_the_history(
    zone: str, steps: list[tuple[str, int, int]]
) -> None:
    db.session.remove()
    empty_tables()
    admin = make_admin()
    always = save_calendar(admin, name="24x7", timezone=zone, weekly_hours={}, always_open=True)
    save_policy(
        admin,
        name="Standard",
        calendar_id=always.id,
        is_default=True,
        targets=Targets(60, 120, 600, (90, 90, 120, 180, 240), warn_percent=80),
        now=START,
    )
    agent, customer = make_agent(tier=4), make_customer().user
    ticket_ids: list[int] = []
    now = START
    for name, pick, gap in steps:
        now += timedelta(minutes=gap)
        try:
            _step(name, ticket_ids, pick, agent, customer, now)
        except DomainError:
            db.session.rollback()
    fold_new_history(now)
    folded = rollup_rows()
    rebuild_rollups()
    assert folded == rollup_rows()
    # The detail rows the database and Python counted together equal every fact counted one by
    # one, as the drill-down reads them.
    days = (START - timedelta(days=1)).date(), (now + timedelta(days=1)).date()
    recount = {cell: tuple(sums) for cell, sums in count_facts(*days, ZoneInfo(zone)).items()}
    assert recount and detail_cells() == recount
