"""A ticket's move between tiers: first-class, so the timeline can say why it moved."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.vocabulary import ReasonCode, TierChangeCause
from app.extensions import Base
from app.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from app.models.ticket import Ticket
    from app.models.user import User


class TierChange(Base):
    __tablename__ = "tier_changes"
    __table_args__ = (
        Index("ix_tier_changes_ticket_created", "ticket_id", "created_at", "id"),
        Index("ix_tier_changes_created", "created_at"),  # a day of moves (report roll-ups)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    from_tier: Mapped[int]
    to_tier: Mapped[int]
    cause: Mapped[TierChangeCause] = mapped_column(str_enum(TierChangeCause, 16))
    reason_code: Mapped[ReasonCode | None] = mapped_column(str_enum(ReasonCode, 40))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rule_name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="tier_changes")
    actor: Mapped[User | None] = relationship()
