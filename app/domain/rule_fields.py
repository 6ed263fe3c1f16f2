"""What escalation rules can read: the fields of a ticket snapshot and the operators each allows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.vocabulary import (
    AccountTier,
    Category,
    Channel,
    LifecycleStage,
    LoyaltySegment,
    Priority,
    Status,
)


class FieldKind(StrEnum):
    choice = "choice"
    number = "number"
    text = "text"
    tags = "tags"


class Operator(StrEnum):
    eq = "eq"
    ne = "ne"
    in_ = "in"
    gte = "gte"
    lte = "lte"
    contains = "contains"
    matches = "matches"


OPERATOR_LABELS = {
    Operator.eq: "is",
    Operator.ne: "is not",
    Operator.in_: "is one of",
    Operator.gte: "is at least",
    Operator.lte: "is at most",
    Operator.contains: "contains",
    Operator.matches: "matches the pattern",
}

OPERATORS_BY_KIND: dict[FieldKind, tuple[Operator, ...]] = {
    FieldKind.choice: (Operator.eq, Operator.ne, Operator.in_),
    FieldKind.number: (Operator.eq, Operator.ne, Operator.gte, Operator.lte),
    FieldKind.text: (Operator.contains, Operator.matches),
    FieldKind.tags: (Operator.contains,),
}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    label: str
    kind: FieldKind
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    @property
    def operators(self) -> tuple[Operator, ...]:
        return OPERATORS_BY_KIND[self.kind]


def _choice(name: str, label: str, enum: type[StrEnum]) -> FieldSpec:
    return FieldSpec(name, label, FieldKind.choice, tuple(m.value for m in enum))


def _number(name: str, label: str, minimum: float = 0, maximum: float | None = None) -> FieldSpec:
    return FieldSpec(name, label, FieldKind.number, minimum=minimum, maximum=maximum)


_SPECS = (
    _choice("priority", "Priority", Priority),
    _choice("status", "Status", Status),
    _number("tier", "Tier", 0, 4),
    _choice("channel", "Channel", Channel),
    _choice("category", "Category", Category),
    FieldSpec("subject", "Subject", FieldKind.text),
    FieldSpec("description", "Description", FieldKind.text),
    FieldSpec("text", "Subject or description", FieldKind.text),
    _number("age_hours", "Age (hours)"),
    _number("reopen_count", "Times reopened"),
    _number("escalation_count", "Times escalated"),
    FieldSpec("tags", "Tags", FieldKind.tags),
    _choice("account_tier", "Account tier", AccountTier),
    _choice("lifecycle_stage", "Lifecycle stage", LifecycleStage),
    _choice("loyalty_segment", "Loyalty segment", LoyaltySegment),
    _number("lifetime_value", "Lifetime value (whole currency units)"),
    _number("open_ticket_count", "Customer's open tickets"),
    _number("sla_breaches_90d", "SLA breaches in the last 90 days"),
    _number("last_csat", "Last CSAT (1–5)", 1, 5),
    _number("health_score", "Health score (0–100)", 0, 100),
)

FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in _SPECS}


@dataclass(frozen=True, slots=True)
class TicketSnapshot:
    """A ticket and its customer's relationship, as rules see them at the moment of an event.

    Relationship facts are None when unknown (no organization, no CSAT yet); a condition on an
    unknown fact never holds.
    """

    ticket_id: int
    priority: str
    status: str
    tier: int
    channel: str
    category: str
    subject: str
    description: str
    age_hours: float = 0.0
    reopen_count: int = 0
    escalation_count: int = 0
    tags: frozenset[str] = frozenset()
    account_tier: str | None = None
    lifecycle_stage: str | None = None
    loyalty_segment: str | None = None
    lifetime_value: float | None = None
    open_ticket_count: int = 0
    sla_breaches_90d: int = 0
    last_csat: int | None = None
    health_score: int | None = None
    team_id: int | None = None
    assignee_id: int | None = None

    def value_of(self, field: str) -> object:
        if field == "text":
            return f"{self.subject}\n{self.description}"
        return getattr(self, field)
