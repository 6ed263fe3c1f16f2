"""What /api/v1 answers about escalation rules (and their dry-run) and SLA policies."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from app.api.schemas import Choice, JsonInteger, Schema
from app.domain.escalation import Trigger

# --- escalation rules and SLA policies -------------------------------------------------------


class RuleOut(Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    position = ma.fields.Integer(required=True)
    enabled = ma.fields.Boolean(required=True)
    trigger = ma.fields.String(required=True)
    conditions = ma.fields.List(ma.fields.Dict(), required=True)
    actions = ma.fields.List(ma.fields.Dict(), required=True)
    stop = ma.fields.Boolean(required=True)
    updated_at = ma.fields.DateTime(required=True)


class RulesOut(Schema):
    items = ma.fields.List(ma.fields.Nested(RuleOut), required=True)


class DryRunIn(Schema):
    trigger = Choice(Trigger, load_default=str(Trigger.ticket_created))
    days = JsonInteger(load_default=30, validate=validate.Range(min=1, max=366))


class EffectOut(Schema):
    rule = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    before = ma.fields.Raw(allow_none=True, required=True)
    after = ma.fields.Raw(allow_none=True, required=True)


class OutcomeOut(Schema):
    ticket_id = ma.fields.Integer(required=True)
    reference = ma.fields.String(required=True)
    fired = ma.fields.List(ma.fields.String(), required=True)
    effects = ma.fields.List(ma.fields.Nested(EffectOut), required=True)


class RuleTotalOut(Schema):
    rule = ma.fields.String(required=True)
    fired = ma.fields.Integer(required=True)
    changes = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), required=True)


class DryRunOut(Schema):
    trigger = ma.fields.String(required=True)
    days = ma.fields.Integer(required=True)
    examined = ma.fields.Integer(required=True)
    matched = ma.fields.Integer(required=True)
    totals = ma.fields.List(ma.fields.Nested(RuleTotalOut), required=True)
    outcomes = ma.fields.List(ma.fields.Nested(OutcomeOut), required=True)


class PolicyOut(Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    is_default = ma.fields.Boolean(required=True)
    account_tier = ma.fields.String(allow_none=True, required=True)
    priority = ma.fields.String(allow_none=True, required=True)
    calendar = ma.fields.String(required=True)
    timezone = ma.fields.String(required=True)
    first_response_minutes = ma.fields.Integer(required=True)
    next_response_minutes = ma.fields.Integer(required=True)
    resolution_minutes = ma.fields.Integer(required=True)
    dwell_minutes = ma.fields.List(ma.fields.Integer(), required=True)
    warn_percent = ma.fields.Integer(required=True)


class PoliciesOut(Schema):
    items = ma.fields.List(ma.fields.Nested(PolicyOut), required=True)
