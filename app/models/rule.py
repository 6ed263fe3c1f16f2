"""Escalation rules as admins edit them; app.domain.rule_parsing turns a row into a checked Rule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.escalation import NoticeTiming, Trigger
from app.extensions import Base
from app.models.types import UTCDateTime, str_enum, utcnow


class EscalationRule(Base):
    __tablename__ = "escalation_rules"
    __table_args__ = (Index("ix_escalation_rules_trigger_order", "trigger", "enabled", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    enabled: Mapped[bool] = mapped_column(default=True)
    trigger: Mapped[Trigger] = mapped_column(str_enum(Trigger))
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    stop: Mapped[bool] = mapped_column(default=False)
    notice_timing: Mapped[NoticeTiming] = mapped_column(
        str_enum(NoticeTiming), default=NoticeTiming.immediately, server_default="immediately"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    def as_data(self) -> dict[str, Any]:
        """The rule in the shape app.domain.rule_parsing.parse_rule reads."""
        return {
            "name": self.name,
            "trigger": self.trigger.value,
            "conditions": list(self.conditions or []),
            "actions": list(self.actions or []),
            "stop": self.stop,
            "enabled": self.enabled,
            "position": self.position,
            "notice_timing": self.notice_timing.value,
        }

    def __repr__(self) -> str:
        return f"<EscalationRule {self.position} {self.name}>"
