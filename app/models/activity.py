"""The one event stream behind ticket timelines, customer history and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, TextClause, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.vocabulary import ActivityKind
from app.extensions import Base
from app.models.partial_index import partial_index
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User


# The kinds of event read by kind over a span of days: the reports' roll-ups and the knowledge
# base's deflections. Only these are in ix_activities_kind_created, so the events of an opening
# (ticket opened, ticket assigned) write no entry there.
REPORTED_KINDS = (
    ActivityKind.agent_replied,
    ActivityKind.kb_deflected,
    ActivityKind.ticket_reopened,
    ActivityKind.ticket_solved,
    ActivityKind.touchpoint,
)
_IS_REPORTED = "kind IN ({})".format(", ".join(f"'{kind.value}'" for kind in REPORTED_KINDS))
# The index's condition as a read names it: SQLite reads a partial index only for a query whose
# condition contains the index's one as it stands (literals, not bound values).
IS_REPORTED_KIND: TextClause = text(f"activities.{_IS_REPORTED}")


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_customer_created", "customer_id", "created_at", "id"),
        Index("ix_activities_organization_created", "organization_id", "created_at", "id"),
        Index("ix_activities_ticket_created", "ticket_id", "created_at", "id"),
        # A day of one kind of event (report roll-ups), for the kinds read that way.
        partial_index("ix_activities_kind_created", "kind", "created_at", where=_IS_REPORTED),
        # A customer's reopens in the health window (each opening reads them): only reopen events
        # are in it, so no other event writes an entry, and the count reads no other customer's.
        partial_index(
            "ix_activities_reopens",
            "customer_id",
            "created_at",
            where="kind = 'ticket_reopened'",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    actor: Mapped[User | None] = relationship()
