"""Who has a desk ticket page open: one row per agent and ticket, touched by a heartbeat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Base
from app.models.types import UTCDateTime, utcnow


class TicketViewer(Base):
    """An agent seen on a ticket's page at `seen_at`; rows older than a minute mean nothing."""

    __tablename__ = "ticket_viewers"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
