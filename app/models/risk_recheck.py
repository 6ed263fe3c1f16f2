"""Customers whose health changed in bulk (an SLA sweep's breaches) and whose active tickets
the next risk refresh must rank again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Base
from app.models.types import UTCDateTime


class RiskRecheck(Base):
    __tablename__ = "risk_rechecks"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime())
