"""/api/v1/rules and /api/v1/sla-policies: the desk's setup, read-only, for admins (as the admin
pages), and a dry-run of the saved rule set over past tickets, which writes nothing."""

from __future__ import annotations

from app.api.auth import api_user
from app.api.core import Blueprint, document_errors
from app.api.schemas_setup import DryRunIn, DryRunOut, PoliciesOut, RulesOut
from app.services.rules.admin import list_rules
from app.services.rules.dry_run import dry_run_saved
from app.services.sla.overview import list_policies

bp = Blueprint("api_setup", __name__, url_prefix="/api/v1", description="Escalation rules and SLA policies")


@bp.get("/rules")
@bp.response(200, RulesOut)
@document_errors(bp, (401, 403, 429))
def rules():
    """Every escalation rule in evaluation order."""
    return {
        "items": [
            {
                "id": r.id,
                "name": r.name,
                "position": r.position,
                "enabled": r.enabled,
                "trigger": str(r.trigger),
                "conditions": r.conditions,
                "actions": r.actions,
                "stop": r.stop,
                "updated_at": r.updated_at,
            }
            for r in list_rules(api_user())
        ]
    }


@bp.post("/rules/dry-run")
@bp.arguments(DryRunIn, required=False)
@bp.response(200, DryRunOut)
@document_errors(bp, (400, 401, 403, 422, 429))
def dry_run(body: dict):
    """What the enabled rules would have done for one event on the tickets of the last `days`
    (as they stand now). Nothing is written; the first 200 tickets that matched are listed."""
    report = dry_run_saved(api_user(), trigger=body["trigger"], days=body["days"])
    return {
        "trigger": str(report.trigger),
        "days": report.days,
        "examined": report.examined,
        "matched": report.matched,
        "totals": [{"rule": t.name, "fired": t.fired, "changes": t.changes} for t in report.totals.values()],
        "outcomes": [
            {
                "ticket_id": o.ticket_id,
                "reference": o.reference,
                "fired": list(o.fired),
                "effects": [
                    {"rule": e.rule_name, "kind": str(e.kind), "before": e.before, "after": e.after}
                    for e in o.effects
                ],
            }
            for o in report.outcomes
        ],
    }


@bp.get("/sla-policies")
@bp.response(200, PoliciesOut)
@document_errors(bp, (401, 403, 429))
def sla_policies():
    """Every SLA policy: what it applies to, its business calendar and its targets in minutes."""
    return {
        "items": [
            {
                "id": p.id,
                "name": p.name,
                "is_default": p.is_default,
                "account_tier": str(p.account_tier) if p.account_tier else None,
                "priority": str(p.priority) if p.priority else None,
                "calendar": p.calendar.name,
                "timezone": p.calendar.timezone,
                "first_response_minutes": p.first_response_minutes,
                "next_response_minutes": p.next_response_minutes,
                "resolution_minutes": p.resolution_minutes,
                "dwell_minutes": list(p.dwell_minutes),
                "warn_percent": p.warn_percent,
            }
            for p in list_policies(api_user())
        ]
    }
