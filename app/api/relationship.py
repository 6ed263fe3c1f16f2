"""/api/v1/customers and /api/v1/organizations: relationship facts, figures, health and history
(staff only, as on the desk), and touchpoints logged into that history."""

from __future__ import annotations

from app.api.auth import api_user
from app.api.core import Blueprint, document_errors
from app.api.problems import field_named
from app.api.schemas_relationship import (
    CustomerListArgs,
    CustomersOut,
    HistoryArgs,
    HistoryOut,
    OrganizationListArgs,
    OrganizationsOut,
    ProfileOut,
    TouchpointIn,
)
from app.services.relationship.changes import log_touchpoint
from app.services.relationship.directory_pages import (
    CustomerFilters,
    OrganizationFilters,
    customer_page,
    organization_page,
)
from app.services.relationship.history_page import history_page
from app.services.relationship.profiles import customer_profile, organization_profile

bp = Blueprint("api_relationship", __name__, url_prefix="/api/v1", description="Customers and organizations")
READ = (400, 401, 403, 404, 422, 429)


def _customer_facts(customer) -> dict:
    return {
        "id": customer.id,
        "name": customer.name,
        "email": customer.email,
        "organization_id": customer.organization_id,
        "is_org_admin": customer.is_org_admin,
    }


def _organization_facts(org) -> dict:
    return {
        "id": org.id,
        "name": org.name,
        "account_tier": str(org.account_tier),
        "lifecycle_stage": str(org.lifecycle_stage),
        "loyalty_segment": str(org.loyalty_segment) if org.loyalty_segment else None,
        "lifetime_value": org.lifetime_value,
        "account_manager_id": org.account_manager_id,
        "timezone": org.timezone,
    }


def _profile(profile) -> dict:
    customer, org = profile.customer, profile.organization
    return {
        "customer": None if customer is None else _customer_facts(customer),
        "organization": None if org is None else _organization_facts(org),
        "figures": profile.figures,
        "health": {
            "score": profile.health.score,
            "band": profile.health.band,
            "parts": [{"label": p.label, "points": p.points} for p in profile.health.parts],
        },
        "suggested_loyalty": str(profile.suggested_loyalty) if profile.suggested_loyalty else None,
        "open_ticket_ids": [t.id for t in profile.open_tickets],
    }


def _history(args: dict, **scope) -> dict:
    with field_named("after", "cursor"):
        page = history_page(
            api_user(), family=args.get("kind"), after=args.get("cursor"), size=args["limit"], **scope
        )
    return {
        "items": [
            {
                "id": e.id,
                "kind": e.kind,
                "summary": e.summary,
                "ticket_id": e.ticket_id,
                "customer_id": e.customer_id,
                "actor_name": e.actor.name if e.actor is not None else None,
                "created_at": e.created_at,
            }
            for e in page.items
        ],
        "next_cursor": page.next_cursor,
    }


@bp.get("/customers")
@bp.arguments(CustomerListArgs, location="query")
@bp.response(200, CustomersOut)
@document_errors(bp, READ)
def customers(args: dict):
    """Customers (contacts) in id order, narrowed by organization, address, the start of the
    name or whether they administer their organization; follow `next_cursor` for the next page."""
    filters = CustomerFilters(
        organization_id=args.get("organization_id"),
        email=args.get("email"),
        name_starts=args.get("name_starts"),
        is_org_admin=args.get("is_org_admin"),
    )
    with field_named("after", "cursor"):
        page = customer_page(api_user(), filters, after=args.get("cursor"), size=args["limit"])
    items = [
        {**_customer_facts(c), "has_portal_login": c.user_id is not None, "created_at": c.created_at}
        for c in page.items
    ]
    return {"items": items, "next_cursor": page.next_cursor}


@bp.get("/organizations")
@bp.arguments(OrganizationListArgs, location="query")
@bp.response(200, OrganizationsOut)
@document_errors(bp, READ)
def organizations(args: dict):
    """Organizations in id order with their contact count, narrowed by a part of the name or
    an account fact; follow `next_cursor` for the next page."""
    filters = OrganizationFilters(
        name_contains=args.get("name_contains"),
        account_tier=args.get("account_tier"),
        lifecycle_stage=args.get("lifecycle_stage"),
        loyalty_segment=args.get("loyalty_segment"),
        account_manager_id=args.get("account_manager_id"),
    )
    with field_named("after", "cursor"):
        page = organization_page(api_user(), filters, after=args.get("cursor"), size=args["limit"])
    items = [
        {
            **_organization_facts(e.organization),
            "contacts": e.contacts,
            "created_at": e.organization.created_at,
        }
        for e in page.items
    ]
    return {"items": items, "next_cursor": page.next_cursor}


@bp.get("/customers/<int:customer_id>")
@bp.response(200, ProfileOut)
@document_errors(bp, READ)
def customer(customer_id: int):
    """A customer with their organization's facts, their figures, health and open tickets."""
    return _profile(customer_profile(api_user(), customer_id))


@bp.get("/customers/<int:customer_id>/history")
@bp.arguments(HistoryArgs, location="query")
@bp.response(200, HistoryOut)
@document_errors(bp, READ)
def customer_history(args: dict, customer_id: int):
    """The customer's relationship history, newest first, a cursor page at a time (an unknown
    customer has none)."""
    return _history(args, customer_id=customer_id)


@bp.post("/customers/<int:customer_id>/touchpoints")
@bp.arguments(TouchpointIn)
@bp.response(201, HistoryOut)
@document_errors(bp, READ)
def customer_touchpoint(body: dict, customer_id: int):
    """Log a relationship event outside tickets (a call, an event, a promotion)."""
    log_touchpoint(api_user(), kind=body["kind"], summary=body["summary"], customer_id=customer_id)
    return _history({"kind": "touchpoints", "limit": 1}, customer_id=customer_id)


@bp.get("/organizations/<int:organization_id>")
@bp.response(200, ProfileOut)
@document_errors(bp, READ)
def organization(organization_id: int):
    """An organization's account facts, figures over all its contacts, health and open tickets."""
    return _profile(organization_profile(api_user(), organization_id))


@bp.get("/organizations/<int:organization_id>/history")
@bp.arguments(HistoryArgs, location="query")
@bp.response(200, HistoryOut)
@document_errors(bp, READ)
def organization_history(args: dict, organization_id: int):
    """The organization's relationship history, newest first, a cursor page at a time."""
    return _history(args, organization_id=organization_id)


@bp.post("/organizations/<int:organization_id>/touchpoints")
@bp.arguments(TouchpointIn)
@bp.response(201, HistoryOut)
@document_errors(bp, READ)
def organization_touchpoint(body: dict, organization_id: int):
    """Log a relationship event for the whole organization."""
    log_touchpoint(api_user(), kind=body["kind"], summary=body["summary"], organization_id=organization_id)
    return _history({"kind": "touchpoints", "limit": 1}, organization_id=organization_id)
