"""Tier-4 hand-offs: the vendor holding a ticket, its reference and due time, and whether waiting
on it pauses the customer-facing clock. Each change is in the ticket's history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.domain.errors import InvalidInput
from app.domain.ids import is_row_id
from app.domain.tiers import MAX_TIER
from app.domain.vendors import (
    Vendor,
    VendorChange,
    VendorTerms,
    is_vendor_overdue,
    plan_handoff,
    plan_vendor_edit,
)
from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import Team, Ticket, User
from app.models.types import utcnow
from app.services.common.access import ticket_to_work
from app.services.common.history import record
from app.services.common.transaction import transaction
from app.services.sla import clock as sla_clock
from app.services.sla.clock_pass import ClockPass
from app.services.sla.policies import calendar_of


@dataclass(frozen=True, slots=True)
class VendorPanel:
    """What the desk shows about the vendor holding a ticket."""

    name: str
    reference: str | None
    due_at: datetime | None
    overdue: bool
    pauses_clock: bool


def vendor_choice(team_id: int | None) -> Vendor | None:
    """The vendor behind a team id from a form (None when no team was chosen)."""
    if team_id is None:
        return None
    team = db.session.get(Team, team_id) if is_row_id(team_id) else None
    if team is None:
        raise InvalidInput("No such vendor.", field="vendor")
    calendar = calendar_of(team.vendor_calendar) if team.vendor_calendar_id is not None else None
    return Vendor(
        team.id, team.name, team.is_external, team.vendor_target_hours, team.vendor_pauses_clock, calendar
    )


def current_terms(ticket: Ticket) -> VendorTerms | None:
    """The terms of the vendor holding the ticket, if one does and its due time is known."""
    if ticket.tier != MAX_TIER or ticket.vendor is None or ticket.vendor_due_at is None:
        return None
    return VendorTerms(
        ticket.vendor.id,
        ticket.vendor.name,
        ticket.vendor_reference,
        ticket.vendor_due_at,
        ticket.vendor_pauses_clock,
    )


def hand_to_vendor(
    actor: User,
    ticket: Ticket,
    terms: VendorTerms,
    now: datetime,
    clocks: ClockPass | None = None,
    previous_assignee_id: int | None = None,
) -> None:
    """Give a ticket that just reached tier 4 to the vendor (inside the caller's transaction,
    whose clock pass, if any, refreshes the ticket). The history keeps who had it before, the
    agent told when the vendor runs late (services.tickets.vendor_overdue)."""
    _apply(ticket, terms, now, clocks)
    reference = terms.reference or "reference to follow"
    record(
        ActivityKind.vendor_updated,
        f"{ticket.reference} handed to {terms.vendor_name} ({reference}), vendor due "
        f"{terms.due_at:%Y-%m-%d %H:%M} UTC"
        + ("; waiting on the vendor pauses the customer clock" if terms.pauses_clock else ""),
        now=now,
        actor=actor,
        ticket=ticket,
        data={"handoff": True, "previous_assignee_id": previous_assignee_id, **_data(terms)},
    )


def edit_vendor_details(
    actor: User,
    ticket_id: int,
    *,
    vendor_team_id: int | None,
    reference: str | None,
    due_at: datetime | None,
    pauses_clock: bool,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Change the vendor details of a ticket the vendor holds: a reference that arrived, a new
    due time, another vendor, or whether waiting pauses the customer clock. A tier-4 ticket no
    vendor holds yet (raised there by the SLA sweep or a rule) is handed to the vendor given."""
    now = now or utcnow()
    with transaction():
        ticket = ticket_to_work(actor, ticket_id, expected_version)
        current = current_terms(ticket)
        if current is None and ticket.tier == MAX_TIER:
            terms = plan_handoff(vendor_choice(vendor_team_id), reference, due_at, pauses_clock, now)
            ticket.team_id = terms.vendor_id
            hand_to_vendor(actor, ticket, terms, now)
            return ticket
        if current is None:
            raise InvalidInput("No vendor holds this ticket: hand it to one by moving it to tier 4.")
        terms, changes = plan_vendor_edit(
            current, vendor_choice(vendor_team_id), reference, due_at, pauses_clock, now
        )
        if ticket.team_id in (None, current.vendor_id):
            ticket.team_id = terms.vendor_id
        _apply(ticket, terms, now)
        record(
            ActivityKind.vendor_updated,
            f"{ticket.reference} vendor details: " + "; ".join(_sentence(c) for c in changes),
            now=now,
            actor=actor,
            ticket=ticket,
            data=_data(terms),
        )
    return ticket


def overdue_vendor_tickets(tickets: Iterable[Ticket], now: datetime | None = None) -> set[int]:
    """Which of these tickets (a queue page) a vendor holds past its due time."""
    now = now or utcnow()
    return {
        t.id
        for t in tickets
        if t.tier == MAX_TIER and t.vendor_id is not None and is_vendor_overdue(t.vendor_due_at, now)
    }


def vendor_panel(ticket: Ticket, now: datetime | None = None) -> VendorPanel | None:
    if ticket.tier != MAX_TIER or ticket.vendor is None:
        return None
    now = now or utcnow()
    return VendorPanel(
        ticket.vendor.name,
        ticket.vendor_reference,
        ticket.vendor_due_at,
        is_vendor_overdue(ticket.vendor_due_at, now),
        ticket.vendor_pauses_clock,
    )


def _apply(ticket: Ticket, terms: VendorTerms, now: datetime, clocks: ClockPass | None = None) -> None:
    ticket.vendor_id = terms.vendor_id
    ticket.vendor_reference = terms.reference
    ticket.vendor_due_at = terms.due_at
    ticket.vendor_pauses_clock = terms.pauses_clock
    ticket.updated_at = now
    sla_clock.on_vendor_change(ticket, now, clocks)


def _sentence(change: VendorChange) -> str:
    return f"{change.field} {change.before} → {change.after}"


def _data(terms: VendorTerms) -> dict:
    return {
        "vendor_id": terms.vendor_id,
        "vendor": terms.vendor_name,
        "reference": terms.reference,
        "due_at": terms.due_at.isoformat(),
        "pauses_clock": terms.pauses_clock,
    }
