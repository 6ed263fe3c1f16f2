"""A bulk adoption's plan (`sla.adoption`): the row each ticket key's adoption writes, by the
one-by-one path's own rules, kept between the adoption job's batches; and the temporary tables it
is planned in: a row per ticket key that names a policy, its clock rows, and each waiting ticket
matched to its row. The tables live on the caller's connection and transaction only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Boolean, Column, Index, Integer, MetaData, String, Table

from app.domain.sla import PolicyCell, choose_policy
from app.domain.vendors import clock_pause_reason
from app.domain.vocabulary import Priority, Status
from app.models import Ticket
from app.models.types import UTCDateTime
from app.services.relationship.risk_rank import rank_ticket
from app.services.sla import clock_parts
from app.services.sla.clock_pass import ClockRow
from app.services.sla.policy_cache import policy_setup

PLAN_TABLES = MetaData()
PLAN = Table(
    "sla_adoption_plan",
    PLAN_TABLES,
    Column("id", Integer, primary_key=True),
    Column("account_tier", String(32), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("tier", Integer, nullable=False),
    Column("answered", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("vendor_holds", Boolean, nullable=False),
    Column("vendor_pauses", Boolean, nullable=False),
    Column("policy_id", Integer, nullable=False),
    Column("policy_reason", String(200), nullable=False),
    Column("pause", String(32)),
    Column("sla_badge", String(16)),
    Column("next_check", UTCDateTime()),
    Column("risk_pressure", Integer, nullable=False),
    Column("risk_priority", Integer, nullable=False),
    Column("risk_refresh_at", UTCDateTime()),
    # Each waiting ticket finds its row by key (without it SQLite scans the plan per ticket).
    Index(
        "sla_adoption_plan_key",
        "account_tier",
        "priority",
        "tier",
        "answered",
        "status",
        "vendor_holds",
        "vendor_pauses",
        unique=True,
    ),
    prefixes=["TEMPORARY"],
)
PLAN_CLOCKS = Table(
    "sla_adoption_clocks",
    PLAN_TABLES,
    Column("plan_id", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("target", String(32), nullable=False),
    Column("tier", Integer, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("warn_at", UTCDateTime(), nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),
    prefixes=["TEMPORARY"],
)
MATCHED = Table(
    "sla_adoption_tickets",
    PLAN_TABLES,
    Column("ticket_id", Integer, primary_key=True),
    Column("plan_id", Integer, nullable=False),
    prefixes=["TEMPORARY"],
)


class Key(NamedTuple):
    """The facts of a waiting ticket that its adoption depends on."""

    account_tier: str  # "" without an organization
    priority: str
    tier: int
    answered: bool
    status: str
    vendor_holds: bool
    vendor_pauses: bool


@dataclass(slots=True)
class _Planned:
    """The plan rows worked out for one SLA setup and one edit's time, kept between the batches
    of the adoption job (each batch meets mostly the keys the last one met)."""

    setup: object
    now: datetime
    rows: dict[Key, dict[str, Any] | None] = field(default_factory=dict)


_last_plan: _Planned | None = None


def planned_rows(now: datetime) -> _Planned:
    global _last_plan
    setup = policy_setup()
    if _last_plan is None or _last_plan.setup is not setup or _last_plan.now != now:
        _last_plan = _Planned(setup, now)
    return _last_plan


def plan_row(key: Key, cells: list[PolicyCell], now: datetime) -> dict[str, Any] | None:
    """What adopting a ticket with this key writes, by the one-by-one path's own rules."""
    choice = choose_policy(cells, key.account_tier or None, key.priority)
    if choice is None:
        return None
    policy = clock_parts.read_policy(choice.policy_id)
    clocks = []
    for position, target in enumerate(clock_parts.owed_targets(key.answered)):
        values = clock_parts.clock_values(policy, target, key.tier, now)
        if values is not None:
            clocks.append({**values, "target": target.value, "position": position})
    pause = clock_pause_reason(key.status, key.tier, key.vendor_holds, key.vendor_pauses)
    running = [
        ClockRow(id=None, ticket_id=0, **{k: v for k, v in c.items() if k != "position"}) for c in clocks
    ]
    shown, next_check = clock_parts.standing(running, now, paused=pause is not None)
    # The rank's time pressure and priority parts, from a ticket that is only these facts.
    ranked = Ticket(
        status=Status(key.status),
        priority=Priority(key.priority),
        risk_score=0,
        risk_pressure=0,
        risk_priority=0,
        risk_account=0,
        risk_value=0,
        risk_health=0,
        risk_refresh_at=None,
    )
    rank_ticket(ranked, running, now, paused=pause is not None)
    return {
        **key._asdict(),
        "policy_id": choice.policy_id,
        "policy_reason": choice.reason,
        "pause": pause,
        "sla_badge": shown.value if shown is not None else None,
        "next_check": next_check,
        "risk_pressure": ranked.risk_pressure,
        "risk_priority": ranked.risk_priority,
        "risk_refresh_at": ranked.risk_refresh_at,
        "clocks": clocks,
    }
