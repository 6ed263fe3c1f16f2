"""Tickets and their conversation."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from app.domain.access import TicketFacts
from app.domain.sla_vocabulary import SlaBadge
from app.domain.vocabulary import AuthorKind, Category, Channel, Priority, Status
from app.extensions import Base
from app.models.partial_index import partial_index
from app.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from app.models.organization import Customer, Organization
    from app.models.team import Team
    from app.models.tier_change import TierChange
    from app.models.user import User


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint("tier >= 0 AND tier <= 4", name="tier_range"),
        # Queue reads: a tier's tickets in a status, in creation order.
        Index("ix_tickets_queue", "tier", "status", "created_at", "id"),
        Index("ix_tickets_assignee_queue", "assignee_id", "status", "created_at", "id"),
        Index("ix_tickets_team_queue", "team_id", "status", "created_at", "id"),
        Index("ix_tickets_customer_created", "customer_id", "created_at", "id"),
        # Windows of recent tickets (rule dry-runs, reports).
        Index("ix_tickets_created", "created_at", "id"),
        # The API's ticket list narrowed by one field, newest first: each filter walks an index
        # in creation order from the cursor, so page 1,000 costs what page 1 does. A tier or an
        # assignee alone walks the queue index above a status at a time (queues.lists), so an
        # opening writes no index of its own for them.
        Index("ix_tickets_status_created", "status", "created_at", "id"),
        Index("ix_tickets_organization_created", "organization_id", "created_at", "id"),
        # The SLA sweep reads only tickets whose next check is due.
        Index("ix_tickets_sla_next_check", "sla_next_check_at", "id"),
        # Queues in risk order: one index per queue filter, read backwards from the top rank.
        Index("ix_tickets_risk_tier", "tier", "risk_score", "id"),
        Index("ix_tickets_risk_assignee", "assignee_id", "risk_score", "id"),
        Index("ix_tickets_risk_team", "team_id", "risk_score", "id"),
        Index("ix_tickets_risk_status", "status", "risk_score", "id"),
        # The risk refresh reads only tickets whose stepped time pressure has moved on.
        Index("ix_tickets_risk_refresh", "risk_refresh_at", "id"),
        # Tickets handed to a vendor (their overdue reminders, a team's vendor work): a new
        # ticket has none, so its opening writes no entry here.
        partial_index(
            "ix_tickets_vendor_id",
            "vendor_id",
            where="vendor_id IS NOT NULL",
        ),
        # A customer's escalations in the last 90 days join only their tickets ever escalated
        # (a tier move up always counts one), not every ticket they have had. The count is in the
        # key so that SQLite picks this index even before it has statistics for it (an index with
        # no entries gets none): a range on its second column beats ix_tickets_customer_created.
        partial_index(
            "ix_tickets_customer_escalated",
            "customer_id",
            "escalation_count",
            where="escalation_count > 0",
        ),
        # The tickets still without a policy, in id order with their status: what a policy
        # edit's adoption counts and then walks batch by batch (sla.adoption_job). Partial, so a
        # ticket that took a policy when it opened costs it nothing.
        partial_index(
            "ix_tickets_without_policy",
            "id",
            "status",
            where="sla_policy_id IS NULL",
        ),
        # Reports' accounts with open tickets: each account's count, open breaches and worst
        # health, read from the index alone (it never touches the ticket rows). Partial, so only
        # a statement that names "organization_id IS NOT NULL" can use it: a list filtered by
        # status alone keeps walking ix_tickets_status_created in order instead of sorting.
        partial_index(
            "ix_tickets_status_accounts",
            "status",
            "organization_id",
            "risk_health",
            "sla_badge",
            where="organization_id IS NOT NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(32), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, 16), default=Channel.portal)
    category: Mapped[Category] = mapped_column(str_enum(Category), default=Category.general)
    status: Mapped[Status] = mapped_column(str_enum(Status, 16), default=Status.new)
    priority: Mapped[Priority] = mapped_column(str_enum(Priority, 16), default=Priority.normal)
    tier: Mapped[int] = mapped_column(default=1)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    tier_entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reopen_count: Mapped[int] = mapped_column(default=0)
    escalation_count: Mapped[int] = mapped_column(default=0)
    # While a vendor holds the ticket at tier 4: which one, its reference, its own due time and
    # whether waiting on it stops the customer-facing clock (cleared when the ticket leaves).
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    vendor_reference: Mapped[str | None] = mapped_column(String(120))
    vendor_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    vendor_pauses_clock: Mapped[bool] = mapped_column(default=False)
    sla_policy_id: Mapped[int | None] = mapped_column(ForeignKey("sla_policies.id"))
    sla_policy_reason: Mapped[str | None] = mapped_column(String(200))
    sla_next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sla_badge: Mapped[SlaBadge | None] = mapped_column(str_enum(SlaBadge, 16))
    # The risk rank and its parts in tenths of a point (app/domain/risk.py), kept current by
    # app/services/risk_rank.py; solved and closed tickets are UNRANKED (-1), below every active one.
    risk_score: Mapped[int] = mapped_column(default=0, server_default="0")
    risk_pressure: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    risk_account: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    risk_value: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    risk_health: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    risk_priority: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    risk_refresh_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    customer: Mapped[Customer] = relationship()
    organization: Mapped[Organization | None] = relationship()
    team: Mapped[Team | None] = relationship(foreign_keys=[team_id])
    vendor: Mapped[Team | None] = relationship(foreign_keys=[vendor_id])
    assignee: Mapped[User | None] = relationship()
    messages: WriteOnlyMapped[Message] = relationship(back_populates="ticket", order_by="Message.id")
    tier_changes: WriteOnlyMapped[TierChange] = relationship(
        back_populates="ticket", order_by="TierChange.id"
    )

    def facts(self) -> TicketFacts:
        return TicketFacts(customer_id=self.customer_id, tier=self.tier, organization_id=self.organization_id)

    def __repr__(self) -> str:
        return f"<Ticket {self.reference} tier {self.tier} {self.status}>"


class TicketTag(Base):
    """A label on a ticket, set by agents or rules; rules can read tags."""

    __tablename__ = "ticket_tags"
    __table_args__ = (Index("ix_ticket_tags_tag", "tag", "ticket_id"),)

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Message(Base):
    """A public reply or an internal note on a ticket."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_ticket_created", "ticket_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_kind: Mapped[AuthorKind] = mapped_column(str_enum(AuthorKind, 16))
    internal: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
