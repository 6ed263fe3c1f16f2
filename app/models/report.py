"""Daily report roll-ups: counts and sums per day and low-cardinality dimension, folded from the
history so that a report reads a few hundred rows instead of every ticket."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Base
from app.models.partial_index import partial_index
from app.models.types import UTCDateTime, utcnow

AGENT_COLUMNS = ("metric", "grain", "day", "tier", "agent_id", "key", "count", "total")


class ReportRollup(Base):
    """One cell: how many times `metric` happened on `day` (a day of the desk's reporting
    timezone) for one combination of the dimensions, and the sum of its value (minutes, for
    durations). Absent dimensions are 0 or ''.

    Each day is stored at several grains: `all` (by tier and key alone, what an unfiltered report
    reads: a few rows a day), one per dimension (`team`, `priority`, `organization` … with only that dimension
    set, for a breakdown or a single filter) and `detail` (every dimension, for combined filters)."""

    __tablename__ = "report_rollups"
    __table_args__ = (
        Index("ix_report_rollups_metric_day", "metric", "grain", "day"),
        # The agent grain's rows (replies, solved, first-response buckets per agent) read from the
        # index alone; only that grain's rows are in it.
        partial_index("ix_report_rollups_agent", *AGENT_COLUMNS, where="grain = 'agent'"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    grain: Mapped[str] = mapped_column(String(12))
    metric: Mapped[str] = mapped_column(String(24))
    tier: Mapped[int] = mapped_column(SmallInteger)
    team_id: Mapped[int]
    priority: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    account_tier: Mapped[str] = mapped_column(String(16))
    policy_id: Mapped[int]
    agent_id: Mapped[int]
    organization_id: Mapped[int]
    # The metric's own breakdown: an SLA target, a tier-move cause, a reason, a rating, a bucket.
    key: Mapped[str] = mapped_column(String(64))
    count: Mapped[int]
    total: Mapped[int] = mapped_column(BigInteger)


class ReportWatermark(Base):
    """How far the roll-ups have folded the history: the last activity id seen."""

    __tablename__ = "report_watermarks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger)
    folded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The IANA zone whose midnights cut the roll-ups' days.
    zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")


class ReportSetting(Base):
    """A desk-wide reporting setting by name (the reporting timezone)."""

    __tablename__ = "report_settings"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
