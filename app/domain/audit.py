"""The audit log's vocabulary: what kinds of security-relevant acts it keeps, and where a request
came from (address and browser), passed to the services without the web framework."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum


class AuditKind(StrEnum):
    sign_in = "sign_in"
    sign_in_failed = "sign_in_failed"
    sign_in_waiting = "sign_in_waiting"
    throttled = "throttled"
    signed_out = "signed_out"
    sessions_ended = "sessions_ended"
    password_changed = "password_changed"
    password_reset_requested = "password_reset_requested"
    password_reset = "password_reset"
    registration_known_address = "registration_known_address"
    two_factor_enabled = "two_factor_enabled"
    two_factor_disabled = "two_factor_disabled"
    two_factor_reset = "two_factor_reset"
    two_factor_failed = "two_factor_failed"
    recovery_code_used = "recovery_code_used"
    user_created = "user_created"
    user_activation = "user_activation"
    user_changed = "user_changed"
    password_reset_sent = "password_reset_sent"
    organization_saved = "organization_saved"
    contact_saved = "contact_saved"
    contacts_merged = "contacts_merged"
    team_saved = "team_saved"
    team_deleted = "team_deleted"
    account_facts_changed = "account_facts_changed"
    rule_saved = "rule_saved"
    rule_enabled = "rule_enabled"
    rule_moved = "rule_moved"
    rule_deleted = "rule_deleted"
    sla_saved = "sla_saved"
    report_timezone_saved = "report_timezone_saved"
    webhook_saved = "webhook_saved"
    webhook_deleted = "webhook_deleted"
    contacts_imported = "contacts_imported"
    audit_exported = "audit_exported"
    api_token_created = "api_token_created"
    api_token_revoked = "api_token_revoked"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an act came from: the client's address and browser, or the command line."""

    address: str | None = None
    user_agent: str | None = None


COMMAND_LINE = Origin(address=None, user_agent="command line")

# The web layer sets this at the start of each request (see app/audit_origin.py); a command or
# scheduled job leaves the default. Services read it only to write the audit log.
current_origin: ContextVar[Origin] = ContextVar("current_origin", default=COMMAND_LINE)
