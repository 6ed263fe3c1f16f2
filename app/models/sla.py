"""Service levels: business calendars, policies, each ticket's clocks, pauses and events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.sla_vocabulary import SlaEventKind, SlaTarget
from app.domain.vocabulary import AccountTier, Priority
from app.extensions import Base
from app.models.partial_index import partial_index
from app.models.types import UTCDateTime, str_enum, utcnow


class BusinessCalendar(Base):
    __tablename__ = "business_calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # {"0": "09:00-12:00, 13:00-17:00", ...}: local opening hours per weekday, Monday = 0.
    weekly_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    holidays_country: Mapped[str | None] = mapped_column(String(8))
    holidays_subdivision: Mapped[str | None] = mapped_column(String(16))
    closed_dates: Mapped[list[str]] = mapped_column(JSON, default=list)
    always_open: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SlaPolicy(Base):
    """Targets for one cell of the account tier × priority matrix (None = any); one is default."""

    __tablename__ = "sla_policies"
    __table_args__ = (UniqueConstraint("account_tier", "priority", "is_default"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("business_calendars.id"))
    account_tier: Mapped[AccountTier | None] = mapped_column(str_enum(AccountTier))
    priority: Mapped[Priority | None] = mapped_column(str_enum(Priority, 16))
    is_default: Mapped[bool] = mapped_column(default=False)
    # None: the target is not measured (no clock starts for it).
    first_response_minutes: Mapped[int | None]
    next_response_minutes: Mapped[int | None]
    resolution_minutes: Mapped[int | None]
    dwell_minutes: Mapped[list[int | None]] = mapped_column(JSON)  # one per tier 0–4
    warn_percent: Mapped[int] = mapped_column(default=80)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    calendar: Mapped[BusinessCalendar] = relationship()


class SlaClock(Base):
    """One running target of one ticket; satisfied, warned and breached at most once each."""

    __tablename__ = "sla_clocks"
    __table_args__ = (
        Index("ix_sla_clocks_ticket_open", "ticket_id", "satisfied_at"),
        # The clocks met on a day (report roll-ups). A clock is not met when it starts, so an
        # opening writes no entry here (a range on the time implies its condition).
        partial_index("ix_sla_clocks_satisfied", "satisfied_at", where="satisfied_at IS NOT NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    target: Mapped[SlaTarget] = mapped_column(str_enum(SlaTarget))
    tier: Mapped[int]
    minutes: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    warn_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    satisfied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SlaPause(Base):
    """A stretch of time in pending or on hold, when the clocks stand still."""

    __tablename__ = "sla_pauses"
    __table_args__ = (Index("ix_sla_pauses_ticket", "ticket_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(32))


class SlaEvent(Base):
    """A warning or a breach, recorded once per clock: the unique key makes a second sweep's
    attempt fail instead of counting twice."""

    __tablename__ = "sla_events"
    __table_args__ = (
        UniqueConstraint("clock_id", "kind"),
        Index("ix_sla_events_ticket", "ticket_id", "created_at"),
        Index("ix_sla_events_breaches", "kind", "created_at", "ticket_id"),
        # A customer's breaches in the last 90 days (health score, escalation rules).
        Index("ix_sla_events_customer", "customer_id", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    clock_id: Mapped[int] = mapped_column(ForeignKey("sla_clocks.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    target: Mapped[SlaTarget] = mapped_column(str_enum(SlaTarget))
    kind: Mapped[SlaEventKind] = mapped_column(str_enum(SlaEventKind, 16))
    tier: Mapped[int]
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SlaAdoption(Base):
    """Waiting tickets to give the policy their cell names, after a policy edit: the scheduler's
    adoption job works through them in batches of ticket ids (sla.adoption_job). The newest
    unfinished row is the work in hand; a later edit finishes (supersedes) an earlier one."""

    __tablename__ = "sla_adoptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # When the edit was saved: the clocks of the tickets it adopts start then.
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    # Active tickets without a policy when it was saved.
    waiting: Mapped[int]
    # Tickets with an id at or below this one are done; the next batch starts after it.
    after_ticket_id: Mapped[int] = mapped_column(default=0)
    checked: Mapped[int] = mapped_column(default=0)
    adopted: Mapped[int] = mapped_column(default=0)
    batches: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    superseded: Mapped[bool] = mapped_column(default=False)


class SchedulerLease(Base):
    """Who may run the scheduled jobs: one holder at a time, until the lease expires."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
