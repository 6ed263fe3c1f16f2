"""The words of the domain (DESIGN.md §2–3), as enums whose names equal their values."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Role(StrEnum):
    customer = "customer"
    agent = "agent"
    admin = "admin"


class Tier(IntEnum):
    SELF_SERVICE = 0
    FRONTLINE = 1
    TECHNICAL = 2
    EXPERT = 3
    EXTERNAL = 4


TIER_LABELS = {
    Tier.SELF_SERVICE: "Self-service",
    Tier.FRONTLINE: "Frontline",
    Tier.TECHNICAL: "Technical",
    Tier.EXPERT: "Expert",
    Tier.EXTERNAL: "External vendor",
}


class AccountTier(StrEnum):
    strategic = "strategic"
    named = "named"
    field = "field"
    inside = "inside"


class LifecycleStage(StrEnum):
    awareness = "awareness"
    consideration = "consideration"
    acquisition = "acquisition"
    activation = "activation"
    retention = "retention"
    expansion = "expansion"
    advocacy = "advocacy"


class LoyaltySegment(StrEnum):
    active_loyal = "active_loyal"
    habitual_loyal = "habitual_loyal"
    situational_loyal = "situational_loyal"
    active_disloyal = "active_disloyal"


class TouchpointKind(StrEnum):
    public_relations = "public_relations"
    promotion = "promotion"
    business_relationship = "business_relationship"
    product_experience = "product_experience"
    customer_service = "customer_service"
    brand_experience = "brand_experience"
    lead_user = "lead_user"


class Channel(StrEnum):
    portal = "portal"
    email = "email"
    phone = "phone"
    chat = "chat"
    api = "api"


class Category(StrEnum):
    general = "general"
    account = "account"
    billing = "billing"
    technical = "technical"
    integration = "integration"
    security = "security"


class Status(StrEnum):
    new = "new"
    open = "open"
    pending = "pending"
    on_hold = "on_hold"
    solved = "solved"
    closed = "closed"


ACTIVE_STATUSES = (Status.new, Status.open, Status.pending, Status.on_hold)


class Priority(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


class TierChangeCause(StrEnum):
    manual = "manual"
    rule = "rule"
    sla = "sla"


class ReasonCode(StrEnum):
    """Why an agent moved a ticket between tiers; the free text adds the detail."""

    needs_expertise = "needs_expertise"
    customer_request = "customer_request"
    sla_risk = "sla_risk"
    vendor_issue = "vendor_issue"
    duplicate_of_known_issue = "duplicate_of_known_issue"
    wrong_tier = "wrong_tier"
    workaround_provided = "workaround_provided"
    fix_delivered = "fix_delivered"


class AuthorKind(StrEnum):
    customer = "customer"
    agent = "agent"
    system = "system"


class ActivityKind(StrEnum):
    ticket_opened = "ticket_opened"
    customer_replied = "customer_replied"
    agent_replied = "agent_replied"
    note_added = "note_added"
    status_changed = "status_changed"
    priority_changed = "priority_changed"
    ticket_assigned = "ticket_assigned"
    tier_changed = "tier_changed"
    ticket_solved = "ticket_solved"
    ticket_reopened = "ticket_reopened"
    ticket_closed = "ticket_closed"
    user_created = "user_created"
    user_deactivated = "user_deactivated"
    user_reactivated = "user_reactivated"
    user_changed = "user_changed"
    team_created = "team_created"
    team_updated = "team_updated"
    customer_registered = "customer_registered"
    login_locked = "login_locked"
    rule_fired = "rule_fired"
    rule_saved = "rule_saved"
    rule_deleted = "rule_deleted"
    rules_reordered = "rules_reordered"
    tag_added = "tag_added"
    tag_removed = "tag_removed"
    notification_queued = "notification_queued"
    sla_warning = "sla_warning"
    sla_breached = "sla_breached"
    sla_settings_saved = "sla_settings_saved"
    csat_received = "csat_received"
    touchpoint = "touchpoint"
    lifecycle_changed = "lifecycle_changed"
    account_tier_changed = "account_tier_changed"
    loyalty_changed = "loyalty_changed"
    kb_deflected = "kb_deflected"
    customers_imported = "customers_imported"
    organization_saved = "organization_saved"
    contact_saved = "contact_saved"
    contacts_merged = "contacts_merged"
    email_verified = "email_verified"
    password_reset = "password_reset"
    password_changed = "password_changed"
    sessions_ended = "sessions_ended"
    ticket_merged = "ticket_merged"
    availability_changed = "availability_changed"
    vendor_updated = "vendor_updated"
