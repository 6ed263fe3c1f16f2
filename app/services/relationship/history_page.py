"""Reading the relationship history: one customer's or one organization's events, newest first."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from app.domain.errors import InvalidInput
from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import Activity, User
from app.services.common.access import require_staff
from app.services.common.pagination import Page, decode_cursor, encode_cursor

HISTORY_PAGE_SIZE = 25

# What people filter by, and the event kinds behind each word.
FAMILIES: dict[str, tuple[ActivityKind, ...]] = {
    "tickets": (
        ActivityKind.ticket_opened,
        ActivityKind.ticket_solved,
        ActivityKind.ticket_reopened,
        ActivityKind.ticket_closed,
        ActivityKind.status_changed,
    ),
    "replies": (ActivityKind.customer_replied, ActivityKind.agent_replied),
    "tiers": (ActivityKind.tier_changed, ActivityKind.vendor_updated),
    "sla": (ActivityKind.sla_warning, ActivityKind.sla_breached),
    "csat": (ActivityKind.csat_received,),
    "deflections": (ActivityKind.kb_deflected,),
    "account": (
        ActivityKind.lifecycle_changed,
        ActivityKind.account_tier_changed,
        ActivityKind.loyalty_changed,
    ),
    "touchpoints": (ActivityKind.touchpoint,),
}


def history_page(
    actor: User,
    *,
    customer_id: int | None = None,
    organization_id: int | None = None,
    family: str | None = None,
    after: str | None = None,
    size: int = HISTORY_PAGE_SIZE,
) -> Page[Activity]:
    """Events newest first, a keyset page at a time, so pages never skip or repeat an event even
    while new ones arrive."""
    require_staff(actor)
    if (customer_id is None) == (organization_id is None):
        raise InvalidInput("History belongs to one customer or one organization.")
    scope = (
        Activity.customer_id == customer_id
        if customer_id is not None
        else Activity.organization_id == organization_id
    )
    query = select(Activity).where(scope).options(joinedload(Activity.actor))
    if family:
        if family not in FAMILIES:
            raise InvalidInput(
                f"No history filter '{family}'; expected one of {', '.join(FAMILIES)}.", "kind"
            )
        query = query.where(Activity.kind.in_([k.value for k in FAMILIES[family]]))
    if after:
        created, row_id = decode_cursor(after)
        query = query.where(
            or_(Activity.created_at < created, and_(Activity.created_at == created, Activity.id < row_id))
        )
    rows = list(
        db.session.scalars(query.order_by(Activity.created_at.desc(), Activity.id.desc()).limit(size + 1))
    )
    if len(rows) > size:
        rows = rows[:size]
        return Page(rows, encode_cursor(rows[-1].created_at, rows[-1].id))
    return Page(rows, None)
