"""Teams of agents; each works one tier. External teams are outside vendors (tier 4)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.assignment import AssignmentMode
from app.extensions import Base
from app.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from app.models.sla import BusinessCalendar
    from app.models.user import User


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (CheckConstraint("tier >= 0 AND tier <= 4", name="tier_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    tier: Mapped[int]
    is_external: Mapped[bool] = mapped_column(default=False)
    assignment_mode: Mapped[AssignmentMode] = mapped_column(
        str_enum(AssignmentMode, 16), default=AssignmentMode.manual
    )
    # The round-robin cursor: the agent this team last gave a ticket to. A position in id
    # order, not a foreign key, so it stays meaningful if that agent leaves the team.
    last_assigned_user_id: Mapped[int | None]
    # A vendor's defaults for a hand-off: its own target in hours and whether waiting on it
    # pauses the customer-facing clock; each hand-off may override both.
    vendor_target_hours: Mapped[int | None]
    vendor_pauses_clock: Mapped[bool] = mapped_column(default=False)
    # The vendor's working hours, when known: its target counts in them (else round the clock).
    vendor_calendar_id: Mapped[int | None] = mapped_column(ForeignKey("business_calendars.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="team")
    vendor_calendar: Mapped[BusinessCalendar | None] = relationship()

    def __repr__(self) -> str:
        return f"<Team {self.name} tier {self.tier}>"
