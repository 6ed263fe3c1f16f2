"""Who may see and do what. Services ask these before they act; views ask them to hide buttons."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.vocabulary import Role, Tier


@dataclass(frozen=True, slots=True)
class Actor:
    """The facts about a signed-in person that access decisions need."""

    user_id: int
    role: Role
    support_tier: int | None = None
    customer_id: int | None = None
    organization_id: int | None = None
    org_admin: bool = False  # a customer who sees every ticket of their organization

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.agent, Role.admin)

    @property
    def working_tier(self) -> int:
        """The highest tier this person may act on (admins act everywhere)."""
        if self.role is Role.admin:
            return int(Tier.EXTERNAL)
        if self.role is Role.agent and self.support_tier is not None:
            return self.support_tier
        return -1


@dataclass(frozen=True, slots=True)
class TicketFacts:
    customer_id: int
    tier: int
    organization_id: int | None = None


def can_view_ticket(actor: Actor, ticket: TicketFacts) -> bool:
    """Staff see every ticket; a customer sees their own, an organization admin the organization's."""
    if actor.is_staff:
        return True
    if actor.customer_id is None:
        return False
    if actor.customer_id == ticket.customer_id:
        return True
    return (
        actor.org_admin
        and actor.organization_id is not None
        and actor.organization_id == ticket.organization_id
    )


def is_requester(actor: Actor, ticket: TicketFacts) -> bool:
    """Rating and reopening belong to the person who asked, not to colleagues who may see it."""
    return actor.customer_id is not None and actor.customer_id == ticket.customer_id


def can_change_account_facts(actor: Actor) -> bool:
    """An organization's account tier, lifecycle, loyalty and value drive its SLA and risk:
    admins change them."""
    return actor.role is Role.admin


def can_act(agent_tier: int, ticket_tier: int) -> bool:
    """An agent works tickets at or below their own tier."""
    return 0 <= ticket_tier <= agent_tier


def can_work_ticket(actor: Actor, ticket: TicketFacts) -> bool:
    """Staff may change a ticket only at or below their working tier."""
    return actor.is_staff and can_act(actor.working_tier, ticket.tier)


def can_see_internal_notes(actor: Actor) -> bool:
    return actor.is_staff
