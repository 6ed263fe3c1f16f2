"""What /api/v1 answers about customers, organizations and the knowledge base."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from app.api.schemas import Choice, RowId, Schema, Text, no_nul
from app.domain.vocabulary import AccountTier, LifecycleStage, LoyaltySegment, TouchpointKind

# --- customers and organizations ------------------------------------------------------------


class HealthPartOut(Schema):
    label = ma.fields.String(required=True)
    points = ma.fields.Float(required=True)


class HealthOut(Schema):
    score = ma.fields.Integer(required=True)
    band = ma.fields.String(required=True)
    parts = ma.fields.List(ma.fields.Nested(HealthPartOut), required=True)


class FiguresOut(Schema):
    open_tickets = ma.fields.Integer(required=True)
    total_tickets = ma.fields.Integer(required=True)
    avg_first_response_minutes = ma.fields.Float(allow_none=True, required=True)
    avg_resolution_minutes = ma.fields.Float(allow_none=True, required=True)
    breaches_90d = ma.fields.Integer(required=True)
    escalation_rate = ma.fields.Float(allow_none=True, required=True)
    reopen_rate = ma.fields.Float(allow_none=True, required=True)
    average_csat = ma.fields.Float(allow_none=True, required=True)
    csat_answers = ma.fields.Integer(required=True)
    deflections = ma.fields.Integer(required=True)


class OrganizationFactsOut(Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    account_tier = ma.fields.String(required=True)
    lifecycle_stage = ma.fields.String(required=True)
    loyalty_segment = ma.fields.String(allow_none=True, required=True)
    lifetime_value = ma.fields.Integer(required=True, metadata={"description": "minor units"})
    account_manager_id = ma.fields.Integer(allow_none=True, required=True)
    timezone = ma.fields.String(allow_none=True, required=True)


class CustomerFactsOut(Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    organization_id = ma.fields.Integer(allow_none=True, required=True)
    is_org_admin = ma.fields.Boolean(required=True)


class ProfileOut(Schema):
    customer = ma.fields.Nested(CustomerFactsOut, allow_none=True, required=True)
    organization = ma.fields.Nested(OrganizationFactsOut, allow_none=True, required=True)
    figures = ma.fields.Nested(FiguresOut, required=True)
    health = ma.fields.Nested(HealthOut, required=True)
    suggested_loyalty = ma.fields.String(allow_none=True, required=True)
    open_ticket_ids = ma.fields.List(ma.fields.Integer(), required=True)


class PageArgs(Schema):
    cursor = ma.fields.String(
        validate=[validate.Length(max=200), no_nul],
        metadata={"description": "next_cursor of the previous page (opaque)"},
    )
    limit = ma.fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class CustomerListArgs(PageArgs):
    organization_id = ma.fields.Integer(validate=RowId)
    email = ma.fields.String(
        validate=[validate.Length(min=1, max=254), no_nul], metadata={"description": "the whole address"}
    )
    name_starts = ma.fields.String(
        validate=[validate.Length(min=1, max=120), no_nul],
        metadata={"description": "the start of the name, as written (case counts)"},
    )
    is_org_admin = ma.fields.Boolean()


class CustomerRowOut(CustomerFactsOut):
    has_portal_login = ma.fields.Boolean(required=True)
    created_at = ma.fields.DateTime(required=True)


class CustomersOut(Schema):
    items = ma.fields.List(ma.fields.Nested(CustomerRowOut), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


class OrganizationListArgs(PageArgs):
    name_contains = ma.fields.String(
        validate=[validate.Length(min=1, max=160), no_nul],
        metadata={"description": "a part of the name, in any case"},
    )
    account_tier = Choice(AccountTier)
    lifecycle_stage = Choice(LifecycleStage)
    loyalty_segment = Choice(LoyaltySegment)
    account_manager_id = ma.fields.Integer(validate=RowId)


class OrganizationRowOut(OrganizationFactsOut):
    contacts = ma.fields.Integer(required=True)
    created_at = ma.fields.DateTime(required=True)


class OrganizationsOut(Schema):
    items = ma.fields.List(ma.fields.Nested(OrganizationRowOut), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


class HistoryArgs(Schema):
    kind = ma.fields.String(
        validate=validate.OneOf(
            ["tickets", "replies", "tiers", "sla", "csat", "deflections", "account", "touchpoints"]
        )
    )
    cursor = ma.fields.String(validate=[validate.Length(max=200), no_nul])
    limit = ma.fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class EventOut(Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    summary = ma.fields.String(required=True)
    ticket_id = ma.fields.Integer(allow_none=True, required=True)
    customer_id = ma.fields.Integer(allow_none=True, required=True)
    actor_name = ma.fields.String(allow_none=True, required=True)
    created_at = ma.fields.DateTime(required=True)


class HistoryOut(Schema):
    items = ma.fields.List(ma.fields.Nested(EventOut), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


class TouchpointIn(Schema):
    kind = Choice(TouchpointKind, required=True)
    summary = Text(500, required=True)


# --- knowledge base --------------------------------------------------------------------------


class ArticleOut(Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    slug = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    category_id = ma.fields.Integer(allow_none=True, required=True)
    tags = ma.fields.List(ma.fields.String(), required=True)
    body_markdown = ma.fields.String()
    body_html = ma.fields.String()
    helpful_count = ma.fields.Integer(required=True)
    not_helpful_count = ma.fields.Integer(required=True)
    updated_at = ma.fields.DateTime(required=True)


class ArticlesOut(Schema):
    items = ma.fields.List(ma.fields.Nested(ArticleOut), required=True)


class ArticleListArgs(Schema):
    limit = ma.fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class SearchArgs(Schema):
    q = ma.fields.String(required=True, validate=[validate.Length(min=1, max=200), no_nul])
    limit = ma.fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class HitOut(Schema):
    article_id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    slug = ma.fields.String(required=True)
    category_id = ma.fields.Integer(allow_none=True, required=True)
    snippet_html = ma.fields.String(required=True)


class HitsOut(Schema):
    items = ma.fields.List(ma.fields.Nested(HitOut), required=True)
