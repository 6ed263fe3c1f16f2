"""The starter rule set: what most support teams want on day one, editable in the admin."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import EscalationRule, User
from app.models.types import utcnow
from app.services.rules.admin import save_rule

SECURITY_WORDS = (
    r"\b(breach|breached|hacked|hacker|leak|leaked|ransomware|malware|phishing|"
    r"vulnerabilit(y|ies)|security incident|unauthori[sz]ed access)\b"
)

DEFAULT_RULES: tuple[dict, ...] = (
    {
        "name": "Security words go to Expert, urgent",
        "trigger": "ticket_created",
        "conditions": [{"field": "text", "operator": "matches", "value": SECURITY_WORDS}],
        "actions": [
            {"kind": "set_tier", "value": 3},
            {"kind": "set_priority", "value": "urgent"},
            {"kind": "add_tag", "value": "security"},
        ],
        "stop": True,
    },
    {
        "name": "Strategic account, urgent request: straight to Technical",
        "trigger": "ticket_created",
        "conditions": [
            {"field": "account_tier", "operator": "eq", "value": "strategic"},
            {"field": "priority", "operator": "eq", "value": "urgent"},
        ],
        "actions": [{"kind": "set_tier", "value": 2}, {"kind": "notify", "value": "account_manager"}],
    },
    {
        "name": "Reopened twice: one tier up",
        "trigger": "ticket_reopened",
        "conditions": [{"field": "reopen_count", "operator": "gte", "value": 2}],
        "actions": [{"kind": "raise_tier"}, {"kind": "add_tag", "value": "reopened-often"}],
    },
    {
        "name": "Unhappy, disloyal customer: tell the account manager",
        "trigger": "customer_replied",
        "conditions": [
            {"field": "loyalty_segment", "operator": "eq", "value": "active_disloyal"},
            {"field": "last_csat", "operator": "lte", "value": 2},
        ],
        "actions": [{"kind": "notify", "value": "account_manager"}],
    },
)


def install_default_rules(admin: User, *, now: datetime | None = None) -> int:
    """Save the starter rules when there are none yet; returns how many were added."""
    if db.session.scalar(select(func.count()).select_from(EscalationRule)):
        return 0
    now = now or utcnow()
    for data in DEFAULT_RULES:
        save_rule(admin, data, now=now)
    return len(DEFAULT_RULES)
