"""What /api/v1/reports answers: a report's figures as tables of labelled rows."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from app.api.schemas import Choice, RowId, Schema
from app.domain.reports import EARLIEST, LATEST, MAX_RANGE_DAYS
from app.domain.tiers import MAX_TIER, MIN_TIER
from app.domain.vocabulary import AccountTier, Channel, Priority

# The desk's rules refuse a day outside these (422): a date range is not a JSON Schema bound.
RANGE = f"between {EARLIEST} and {LATEST}, at most {MAX_RANGE_DAYS} days"


class ReportArgs(Schema):
    start = ma.fields.Date(metadata={"description": f"first day (UTC), YYYY-MM-DD; {RANGE}"})
    end = ma.fields.Date(metadata={"description": "last day (UTC); today if left out"})
    tier = ma.fields.Integer(validate=validate.Range(min=MIN_TIER, max=MAX_TIER))
    team = ma.fields.Integer(validate=RowId)
    agent = ma.fields.Integer(validate=RowId)
    priority = Choice(Priority)
    channel = Choice(Channel)
    account_tier = Choice(AccountTier)
    policy = ma.fields.Integer(validate=RowId, metadata={"description": "an SLA policy"})
    organization = ma.fields.Integer(validate=RowId)


class CellOut(Schema):
    text = ma.fields.String(required=True, metadata={"description": "as the page shows it"})
    value = ma.fields.Float(
        allow_none=True, required=True, metadata={"description": "null: nothing to count"}
    )


class RowOut(Schema):
    label = ma.fields.String(required=True)
    cells = ma.fields.List(ma.fields.Nested(CellOut), required=True)


class FigureOut(Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    note = ma.fields.String(required=True)
    columns = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "the row label's column, then each cell's"},
    )
    rows = ma.fields.List(ma.fields.Nested(RowOut), required=True)


class AppliedFiltersOut(Schema):
    tier = ma.fields.Integer(allow_none=True, required=True)
    team = ma.fields.Integer(allow_none=True, required=True)
    agent = ma.fields.Integer(allow_none=True, required=True)
    priority = ma.fields.String(allow_none=True, required=True)
    channel = ma.fields.String(allow_none=True, required=True)
    account_tier = ma.fields.String(allow_none=True, required=True)
    policy = ma.fields.Integer(allow_none=True, required=True)
    organization = ma.fields.Integer(allow_none=True, required=True)


class ReportOut(Schema):
    report = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    start = ma.fields.Date(required=True)
    end = ma.fields.Date(required=True)
    filters = ma.fields.Nested(
        AppliedFiltersOut,
        required=True,
        metadata={"description": "the filters applied, with the viewer's scope (team or agent) filled in"},
    )
    figures = ma.fields.List(ma.fields.Nested(FigureOut), required=True)
