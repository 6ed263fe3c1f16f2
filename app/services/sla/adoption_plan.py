"""The temporary tables a bulk adoption plans in (`sla.adoption`): a row per ticket key that
names a policy, its clock rows, and each waiting ticket matched to its row. They live on the
caller's connection and transaction only."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, MetaData, String, Table

from app.models.types import UTCDateTime

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
