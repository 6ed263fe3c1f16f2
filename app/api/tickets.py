"""/api/v1/tickets: list, read, open, and every action the desk and the portal offer on a ticket,
each through the same service as the page (so the same rules, clocks, history and access)."""

from __future__ import annotations

from app.api.auth import api_user
from app.api.core import Blueprint, document_errors
from app.api.problems import field_named
from app.api.schemas import (
    AssignIn,
    MergeIn,
    NoteIn,
    PriorityIn,
    ReplyIn,
    StatusIn,
    TagIn,
    TicketIn,
    TicketListArgs,
    TicketOut,
    TicketPageOut,
    TierIn,
    VendorIn,
)
from app.api.shapes import answer, ticket_shape
from app.domain.vocabulary import Channel
from app.services.common.access import ticket_for
from app.services.queues.lists import TicketListFilters, ticket_list
from app.services.tickets.bulk import add_tag, tags_of
from app.services.tickets.changes import assign_ticket, change_priority, change_status, change_tier
from app.services.tickets.conversation import add_internal_note, add_reply, reopen_ticket
from app.services.tickets.merge import merge_tickets
from app.services.tickets.opening import open_ticket
from app.services.tickets.tags import remove_tag
from app.services.tickets.vendor_handoff import edit_vendor_details

bp = Blueprint("api_tickets", __name__, url_prefix="/api/v1/tickets", description="Tickets")

ERRORS = (400, 401, 403, 404, 409, 422, 429)


def _shape(ticket) -> dict:
    user = api_user()
    tags = tags_of([ticket.id]).get(ticket.id) if user.is_staff else None
    return ticket_shape(ticket, user.is_staff, tags)


def _read(ticket_id: int, status: int = 200):
    return answer(_shape(ticket_for(api_user(), ticket_id)), status)


def _errors(*codes: int):
    return document_errors(bp, codes)


@bp.get("")
@bp.arguments(TicketListArgs, location="query")
@bp.response(200, TicketPageOut)
@_errors(400, 401, 403, 422, 429)
def list_tickets(args: dict):
    """Tickets you may see, newest first; follow `next_cursor` for the next page."""
    user = api_user()
    filters = TicketListFilters(
        status=args.get("status"),
        priority=args.get("priority"),
        tier=args.get("tier"),
        assignee_id=args.get("assignee_id"),
        customer_id=args.get("customer_id"),
        organization_id=args.get("organization_id"),
        tag=args.get("tag"),
    )
    with field_named("after", "cursor"):
        page = ticket_list(user, filters, after=args.get("cursor"), size=args["limit"])
    tags = tags_of([t.id for t in page.items]) if user.is_staff else {}
    return answer(
        {
            "items": [ticket_shape(t, user.is_staff, tags.get(t.id)) for t in page.items],
            "next_cursor": page.next_cursor,
        }
    )


@bp.post("")
@bp.arguments(TicketIn)
@bp.response(201, TicketOut)
@_errors(400, 401, 403, 404, 422, 429)
def create_ticket(body: dict):
    """Open a request: a customer for themselves, staff on behalf of a customer (`customer_id`)."""
    ticket = open_ticket(
        api_user(),
        subject=body["subject"],
        description=body["description"],
        category=body["category"],
        priority=body["priority"],
        channel=Channel.api,
        customer_id=body.get("customer_id"),
    )
    return answer(_shape(ticket), 201, {"Location": f"/api/v1/tickets/{ticket.id}"})


@bp.get("/<int:ticket_id>")
@bp.response(200, TicketOut)
@_errors(401, 404, 429)
def get_ticket(ticket_id: int):
    """One ticket (customers see their own requests without the desk's fields)."""
    return _read(ticket_id)


@bp.post("/<int:ticket_id>/replies")
@bp.arguments(ReplyIn)
@bp.response(201, TicketOut)
@_errors(*ERRORS)
def reply(body: dict, ticket_id: int):
    """A public reply: from the customer (may reopen a solved request) or from an agent."""
    add_reply(
        api_user(),
        ticket_id,
        body["body"],
        status=body.get("status"),
        expected_version=body.get("expected_version"),
    )
    return _read(ticket_id, 201)


@bp.post("/<int:ticket_id>/notes")
@bp.arguments(NoteIn)
@bp.response(201, TicketOut)
@_errors(*ERRORS)
def note(body: dict, ticket_id: int):
    """An internal note, which only staff can read."""
    add_internal_note(api_user(), ticket_id, body["body"])
    return _read(ticket_id, 201)


@bp.post("/<int:ticket_id>/status")
@bp.arguments(StatusIn)
@bp.response(200, TicketOut)
@_errors(*ERRORS)
def status(body: dict, ticket_id: int):
    """Move the ticket to another status."""
    change_status(api_user(), ticket_id, body["status"], expected_version=body.get("expected_version"))
    return _read(ticket_id)


@bp.post("/<int:ticket_id>/priority")
@bp.arguments(PriorityIn)
@bp.response(200, TicketOut)
@_errors(*ERRORS)
def priority(body: dict, ticket_id: int):
    """Set another priority; the SLA clocks follow the policy it chooses."""
    change_priority(api_user(), ticket_id, body["priority"], expected_version=body.get("expected_version"))
    return _read(ticket_id)


@bp.post("/<int:ticket_id>/tags")
@bp.arguments(TagIn)
@bp.response(201, TicketOut)
@_errors(*ERRORS)
def tag(body: dict, ticket_id: int):
    """Add a tag (rules can read tags)."""
    add_tag(api_user(), ticket_id, body["tag"])
    return _read(ticket_id, 201)


@bp.delete("/<int:ticket_id>/tags/<tag>")
@bp.response(200, TicketOut)
@_errors(*ERRORS)
def untag(ticket_id: int, tag: str):
    """Remove a tag the ticket has (the history says who did)."""
    remove_tag(api_user(), ticket_id, tag)
    return _read(ticket_id)


@bp.post("/<int:ticket_id>/assignment")
@bp.arguments(AssignIn)
@bp.response(200, TicketOut)
@_errors(*ERRORS)
def assign(body: dict, ticket_id: int):
    """Give the ticket to an agent (or nobody, with null) and optionally a team."""
    assign_ticket(
        api_user(),
        ticket_id,
        assignee_id=body["assignee_id"],
        team_id=body.get("team_id"),
        expected_version=body.get("expected_version"),
    )
    return _read(ticket_id)


@bp.post("/<int:ticket_id>/tier")
@bp.arguments(TierIn)
@bp.response(200, TicketOut)
@_errors(*ERRORS)
def tier(body: dict, ticket_id: int):
    """Escalate or de-escalate with a reason code and a reason; tier 4 hands it to a vendor."""
    change_tier(
        api_user(),
        ticket_id,
        body["tier"],
        body["reason"],
        reason_code=body["reason_code"],
        vendor_team_id=body.get("vendor_id"),
        vendor_reference=body.get("vendor_reference"),
        vendor_due_at=body.get("vendor_due_at"),
        vendor_pauses_clock=body.get("vendor_pauses_clock"),
        team_id=body.get("team_id"),
        hand_over=body["hand_over"],
        expected_version=body.get("expected_version"),
    )
    return _read(ticket_id)


@bp.put("/<int:ticket_id>/vendor")
@bp.arguments(VendorIn)
@bp.response(200, TicketOut)
@_errors(*ERRORS)
def vendor(body: dict, ticket_id: int):
    """The vendor hand-off of a tier-4 ticket: vendor, its reference, due time, whether it pauses."""
    edit_vendor_details(
        api_user(),
        ticket_id,
        vendor_team_id=body.get("vendor_id"),
        reference=body.get("reference"),
        due_at=body.get("due_at"),
        pauses_clock=body["pauses_clock"],
        expected_version=body.get("expected_version"),
    )
    return _read(ticket_id)


@bp.post("/<int:ticket_id>/merge")
@bp.arguments(MergeIn)
@bp.response(200, TicketOut)
@_errors(*ERRORS)
def merge(body: dict, ticket_id: int):
    """Merge this ticket into the one named by `target`; answers with the ticket merged into."""
    target = merge_tickets(api_user(), ticket_id, body["target"])
    return _read(target.id)


@bp.post("/<int:ticket_id>/reopen")
@bp.response(200, TicketOut)
@_errors(*ERRORS)
def reopen(ticket_id: int):
    """Reopen a solved ticket."""
    reopen_ticket(api_user(), ticket_id)
    return _read(ticket_id)
