"""Rule snapshots for a whole SLA sweep batch, read at once and kept current without a flush.

A rule fired one ticket at a time reads its snapshot after a flush (snapshots.snapshot_of). The
sweep's batch path cannot flush: its tickets are written by one versioned statement at the end
(sweep.batch_writes), and a flush in between looks like another writer. So the batch reads every
ticket's snapshot in a fixed number of queries first, and each firing brings the snapshot up to date with
what the batch did since: the ticket's own fields from the loaded object, and the breaches,
escalations and tags the batch has collected but not written yet (its RowBatch).
That gives the snapshot the flush would have given.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from app.domain.relationship import HealthInputs, health_score
from app.domain.rule_fields import TicketSnapshot
from app.domain.sla_vocabulary import SlaEventKind
from app.extensions import db
from app.models import SlaEvent, Ticket, TicketTag, TierChange
from app.services.common.row_batch import RowBatch
from app.services.rules.snapshots import build_with_health, snapshot_query


@dataclass(slots=True)
class BatchSnapshots:
    """The snapshots of one batch's tickets as read, and what the batch has added since."""

    read: dict[int, TicketSnapshot]
    customer_of: dict[int, int]
    health: dict[int, HealthInputs]
    pending: RowBatch
    counted: dict[type, int] = field(default_factory=dict)
    breaches: Counter[int] = field(default_factory=Counter)
    escalations: Counter[int] = field(default_factory=Counter)
    tags: defaultdict[int, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def load(cls, ticket_ids: list[int], now: datetime, pending: RowBatch) -> BatchSnapshots:
        """Read the tickets' snapshots; `pending` is the batch's collected history rows."""
        rows = list(db.session.execute(snapshot_query().where(Ticket.id.in_(ticket_ids))))
        snapshots, health = build_with_health(rows, now)
        return cls(
            {s.ticket_id: s for s in snapshots}, {row.id: row.customer_id for row in rows}, health, pending
        )

    def current(self, ticket: Ticket) -> TicketSnapshot:
        """The ticket's snapshot as a flush of the batch so far would show it."""
        self._count_pending()
        customer_id = self.customer_of[ticket.id]
        health = self.health[customer_id]
        health = replace(
            health,
            breaches_90d=health.breaches_90d + self.breaches[customer_id],
            escalations_90d=health.escalations_90d + self.escalations[customer_id],
        )
        read = self.read[ticket.id]
        return replace(
            read,
            priority=ticket.priority.value,
            status=ticket.status.value,
            tier=ticket.tier,
            reopen_count=ticket.reopen_count,
            escalation_count=ticket.escalation_count,
            team_id=ticket.team_id,
            assignee_id=ticket.assignee_id,
            tags=read.tags | self.tags[ticket.id] if ticket.id in self.tags else read.tags,
            sla_breaches_90d=health.breaches_90d,
            health_score=health_score(health).score,
        )

    def _count_pending(self) -> None:
        """Count the rows collected since the last look, as the health queries would count
        them once written (every row of this batch falls inside their 90-day window)."""
        for model, count in (
            (SlaEvent, self._breach),
            (TierChange, self._escalation),
            (TicketTag, self._tag),
        ):
            rows = self.pending.of(model)
            for values in rows[self.counted.get(model, 0) :]:
                count(values)
            self.counted[model] = len(rows)

    def _breach(self, values: dict[str, Any]) -> None:
        if values["kind"] == SlaEventKind.breach:
            self.breaches[values["customer_id"]] += 1

    def _escalation(self, values: dict[str, Any]) -> None:
        if values["to_tier"] > values["from_tier"]:
            self.escalations[self.customer_of[values["ticket_id"]]] += 1

    def _tag(self, values: dict[str, Any]) -> None:
        self.tags[values["ticket_id"]].add(values["tag"])
