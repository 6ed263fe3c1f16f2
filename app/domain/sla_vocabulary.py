"""The words of service levels: which targets a ticket's clock measures and what happens."""

from __future__ import annotations

from enum import StrEnum


class SlaTarget(StrEnum):
    first_response = "first_response"
    next_response = "next_response"
    resolution = "resolution"
    tier_dwell = "tier_dwell"


class SlaEventKind(StrEnum):
    warning = "warning"
    breach = "breach"


class SlaBadge(StrEnum):
    ok = "ok"
    warning = "warning"
    breached = "breached"


TARGET_LABELS = {
    SlaTarget.first_response: "First response",
    SlaTarget.next_response: "Next response",
    SlaTarget.resolution: "Resolution",
    SlaTarget.tier_dwell: "Time at this tier",
}
