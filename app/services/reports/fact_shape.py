"""The shape of a report fact: one countable event at a time, with the ticket's dimensions
beside it, and the columns and joins that read those dimensions with any history table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, func, select, type_coerce

from app.domain.vocabulary import ActivityKind
from app.models import Organization, Ticket, TierChange

# The activity kinds the fold counts, with the metric each becomes.
ACTIVITY_METRICS = {
    ActivityKind.ticket_solved.value: "solved",
    ActivityKind.ticket_reopened.value: "reopened",
    ActivityKind.agent_replied.value: "reply",
    ActivityKind.kb_deflected.value: "deflected",
    ActivityKind.touchpoint.value: "touchpoint",
}


@dataclass(frozen=True, slots=True)
class Dims:
    team_id: int = 0
    priority: str = ""
    channel: str = ""
    account_tier: str = ""
    policy_id: int = 0
    assignee_id: int = 0
    organization_id: int = 0


NO_DIMS = Dims()


@dataclass(frozen=True, slots=True)
class Fact:
    metric: str
    at: datetime
    ticket_id: int | None
    tier: int
    key: str
    dims: Dims
    agent_id: int = 0
    value: int = 0

    @property
    def agent(self) -> int:
        """The agent a figure counts for: who acted (a reply, a move), else the ticket's assignee."""
        return self.agent_id or self.dims.assignee_id


def dim_columns() -> tuple[Any, ...]:
    """The ticket's dimensions; the choices come as their stored text, which is what the roll-ups
    keep (turning each into its enumeration and back costs a tenth of a rebuild)."""
    return (
        Ticket.team_id,
        type_coerce(Ticket.priority, String),
        type_coerce(Ticket.channel, String),
        type_coerce(Organization.account_tier, String),
        Ticket.sla_policy_id,
        Ticket.assignee_id,
        Ticket.organization_id,
    )


def with_dims(query: Select[Any], ticket_column: Any) -> Select[Any]:
    return query.outerjoin(Ticket, Ticket.id == ticket_column).outerjoin(
        Organization, Organization.id == Ticket.organization_id
    )


def dims_of(row: Any, offset: int) -> Dims:
    team, priority, channel, account_tier, policy, assignee, organization = row[offset : offset + 7]
    return Dims(
        team_id=team or 0,
        priority=priority or "",
        channel=channel or "",
        account_tier=account_tier or "",
        policy_id=policy or 0,
        assignee_id=assignee or 0,
        organization_id=organization or 0,
    )


def opening_tier() -> ColumnElement[Any]:
    """The tier a ticket opened at: where its first move started from, else where it is."""
    first_move = (
        select(TierChange.from_tier)
        .where(TierChange.ticket_id == Ticket.id)
        .order_by(TierChange.id)
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(first_move, Ticket.tier)
