"""Queue filters and order from a request's query string: checked values, then SQL criteria.

A value that is not in the vocabulary is an InvalidInput naming the field (a 400 with a sentence),
never a query that fails later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, exists, select

from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput
from app.domain.rule_parsing import TAG_PATTERN
from app.domain.tiers import MAX_TIER
from app.domain.vocabulary import ACTIVE_STATUSES, AccountTier, Channel, Priority, Status
from app.models import Organization, Ticket, TicketTag
from app.models.types import utcnow

ORDERS = ("risk", "newest", "oldest")
DEFAULT_ORDER = "risk"
FILTER_FIELDS = ("status", "priority", "account_tier", "tag", "channel", "vendor")
# The vendor filter's one value: hand-offs whose vendor is past its due time.
VENDOR_OVERDUE = "overdue"
IN_QUEUE = "in a queue"


@dataclass(frozen=True, slots=True)
class QueueFilters:
    status: Status | None = None
    priority: Priority | None = None
    account_tier: AccountTier | None = None
    tag: str | None = None
    channel: Channel | None = None
    vendor: str | None = None
    order: str = DEFAULT_ORDER

    @property
    def active(self) -> bool:
        return any(getattr(self, name) is not None for name in FILTER_FIELDS)

    def params(self, *, with_order: bool = True) -> dict[str, str]:
        """The non-empty filters (and the order unless it is the default) for a URL."""
        values = {
            k: (v.value if isinstance(v, StrEnum) else v)
            for k, v in asdict(self).items()
            if v is not None and k != "order"
        }
        if with_order and self.order != DEFAULT_ORDER:
            values["order"] = self.order
        return values

    def query_string(self) -> str:
        return urlencode(self.params())


def parse_filters(args: Mapping[str, str]) -> QueueFilters:
    """Filters and order from query parameters; empty values mean 'any'."""
    order = args.get("order") or DEFAULT_ORDER
    if order not in ORDERS:
        raise InvalidInput(f"Order is one of {', '.join(ORDERS)}.", field="order")
    tag = (args.get("tag") or "").strip().lower() or None
    vendor = args.get("vendor") or None
    if vendor not in (None, VENDOR_OVERDUE):
        raise InvalidInput(f"The vendor filter is '{VENDOR_OVERDUE}' or empty.", field="vendor")
    if tag is not None and not TAG_PATTERN.match(tag):
        raise InvalidInput("A tag is 1–40 lowercase letters, digits, '-' or '_'.", field="tag")
    return QueueFilters(
        status=parse_choice(
            Status, args.get("status"), "status", optional=True, allowed=ACTIVE_STATUSES, where=IN_QUEUE
        ),
        priority=parse_choice(Priority, args.get("priority"), "priority", optional=True, where=IN_QUEUE),
        account_tier=parse_choice(
            AccountTier, args.get("account_tier"), "account_tier", optional=True, where=IN_QUEUE
        ),
        tag=tag,
        channel=parse_choice(Channel, args.get("channel"), "channel", optional=True, where=IN_QUEUE),
        vendor=vendor,
        order=order,
    )


def filter_criteria(filters: QueueFilters) -> list[ColumnElement[bool]]:
    """SQL conditions for the chosen filters, narrowing a queue's own (queues hold active
    tickets, so the status filter picks one of the active statuses)."""
    criteria: list[ColumnElement[bool]] = []
    if filters.status is not None:
        criteria.append(Ticket.status == filters.status)
    if filters.priority is not None:
        criteria.append(Ticket.priority == filters.priority)
    if filters.channel is not None:
        criteria.append(Ticket.channel == filters.channel)
    if filters.account_tier is not None:
        criteria.append(
            Ticket.organization_id.in_(
                select(Organization.id).where(Organization.account_tier == filters.account_tier)
            )
        )
    if filters.tag is not None:
        criteria.append(exists().where(TicketTag.ticket_id == Ticket.id, TicketTag.tag == filters.tag))
    if filters.vendor == VENDOR_OVERDUE:
        # What the vendor panel calls overdue (domain.vendors.is_vendor_overdue), as of now.
        criteria += [Ticket.tier == MAX_TIER, Ticket.vendor_id.is_not(None), Ticket.vendor_due_at <= utcnow()]
    return criteria
