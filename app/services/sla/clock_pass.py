"""Several clock changes handled as one pass: what a caller hands the clock hooks (sla.clock).

A use case that changes a ticket in several steps (open it, fire its rules, move it) and the SLA
sweep, which breaches and raises thousands of tickets at once, both want each ticket's summary
refreshed once, after the last step; the sweep also reads the running clocks and policies of a
whole batch beforehand, and writes the clocks it starts in one INSERT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.sla_vocabulary import SlaTarget
from app.models import SlaClock, SlaPolicy

# The columns of a clock that its hooks change.
CHANGING = ("minutes", "warn_at", "due_at", "satisfied_at", "warned_at", "breached_at")
# The columns a ClockRow is read from, in the order of its fields.
COLUMNS = (
    "id",
    "ticket_id",
    "target",
    "tier",
    "minutes",
    "started_at",
    "warn_at",
    "due_at",
    "satisfied_at",
    "warned_at",
    "breached_at",
)


@dataclass(slots=True, eq=False)
class ClockRow:
    """A clock as a plain row, for the sweep's batch path: it costs a fraction of a model object
    to load, change and write. `read` holds its changing columns as loaded (None for a clock the
    batch started), so the batch writes back only what changed."""

    id: int | None
    ticket_id: int
    target: SlaTarget
    tier: int
    minutes: int
    started_at: datetime
    warn_at: datetime
    due_at: datetime
    satisfied_at: datetime | None = None
    warned_at: datetime | None = None
    breached_at: datetime | None = None
    read: tuple[Any, ...] | None = None

    @classmethod
    def loaded(cls, row: Sequence[Any]) -> ClockRow:
        """A clock read as a row of its COLUMNS."""
        clock = cls(*row)
        clock.read = clock.changing()
        return clock

    def changing(self) -> tuple[Any, ...]:
        """The CHANGING columns' values, in its order (spelled out: a sweep asks 30,000 times)."""
        return (self.minutes, self.warn_at, self.due_at, self.satisfied_at, self.warned_at, self.breached_at)

    def changed(self) -> frozenset[str]:
        """The changing columns that differ from what was read (all of them for a new clock)."""
        if self.read is None:
            return frozenset(CHANGING)
        now = self.changing()
        if now == self.read:
            return frozenset()
        pairs = zip(CHANGING, self.read, now, strict=True)
        return frozenset(column for column, before, after in pairs if before != after)

    def values(self) -> dict[str, Any]:
        """The row to insert for a clock the batch started."""
        return {
            "ticket_id": self.ticket_id,
            "target": self.target,
            "tier": self.tier,
            "started_at": self.started_at,
            **dict(zip(CHANGING, self.changing(), strict=True)),
        }


Clock = SlaClock | ClockRow


@dataclass(slots=True, eq=False)
class ClockPass:
    """What a caller making several clock changes tells the hooks.

    held      tickets whose `refresh` waits until the caller lets go (`clock.release`)
    running   each preloaded ticket's running clocks (ticket id → clocks): no query for them;
              a ticket's clocks read by a hook in the pass join it (sla.clock.active_clocks)
    policies  each preloaded ticket's policy (ticket id → policy), read once per pass
    new_rows  when a list, a clock a hook starts is a ClockRow collected here for the caller's
              INSERT, instead of a model object in the session
    """

    held: set[int] = field(default_factory=set)
    running: dict[int, list[Clock]] = field(default_factory=dict)
    policies: dict[int, SlaPolicy | None] = field(default_factory=dict)
    new_rows: list[ClockRow] | None = None

    def preload(self, ticket_id: int, clocks: list[Clock], policy: SlaPolicy | None) -> None:
        self.running[ticket_id] = clocks
        self.policies[ticket_id] = policy
