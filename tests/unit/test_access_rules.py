from __future__ import annotations

import pytest

from app.domain.access import (
    Actor,
    TicketFacts,
    can_act,
    can_see_internal_notes,
    can_view_ticket,
    can_work_ticket,
)
from app.domain.vocabulary import Role

customer_a = Actor(user_id=1, role=Role.customer, customer_id=10)
customer_without_profile = Actor(user_id=2, role=Role.customer)
tier1 = Actor(user_id=3, role=Role.agent, support_tier=1)
tier3 = Actor(user_id=4, role=Role.agent, support_tier=3)
admin = Actor(user_id=5, role=Role.admin)


def test_a_customer_sees_only_their_own_tickets():
    assert can_view_ticket(customer_a, TicketFacts(customer_id=10, tier=1))
    assert not can_view_ticket(customer_a, TicketFacts(customer_id=11, tier=1))
    assert not can_view_ticket(customer_without_profile, TicketFacts(customer_id=10, tier=1))


def test_staff_see_every_ticket():
    assert can_view_ticket(tier1, TicketFacts(customer_id=11, tier=4))


@pytest.mark.parametrize(
    ("actor", "tier", "allowed"),
    [
        (tier1, 0, True),
        (tier1, 1, True),
        (tier1, 2, False),
        (tier3, 3, True),
        (tier3, 4, False),
        (admin, 4, True),
        (customer_a, 0, False),
    ],
)
def test_staff_work_tickets_at_or_below_their_tier(actor, tier, allowed):
    assert can_work_ticket(actor, TicketFacts(customer_id=10, tier=tier)) is allowed


def test_no_tier_outside_the_ladder_can_be_acted_on():
    assert not can_act(4, -1)


def test_only_staff_see_internal_notes():
    assert can_see_internal_notes(tier1) and can_see_internal_notes(admin)
    assert not can_see_internal_notes(customer_a)
