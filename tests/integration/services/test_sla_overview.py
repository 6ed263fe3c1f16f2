"""What the service-level admin pages read: the matrix, the default policy and the calendars."""

from __future__ import annotations

import pytest

from app.domain.errors import NotAllowed
from app.domain.vocabulary import AccountTier, Priority
from app.services.sla.overview import list_calendars, sla_overview
from app.services.sla.setup import install_default_sla
from tests.factories import make_admin, make_agent


def test_the_overview_lays_policies_out_by_account_tier_and_priority(now):
    admin = make_admin()
    install_default_sla(admin, now=now)
    overview = sla_overview(admin)
    assert overview.default is not None and overview.default.name == "Standard"
    assert {cell: p.name for cell, p in overview.matrix.items()} == {
        (None, Priority.urgent): "Urgent, any account",
        (AccountTier.strategic, None): "Strategic accounts",
    }
    assert [c.name for c in overview.calendars] == ["Around the clock", "Office hours (Berlin)"]
    assert [c.name for c in list_calendars(admin)] == ["Around the clock", "Office hours (Berlin)"]


def test_an_empty_setup_has_no_default_and_no_cells():
    overview = sla_overview(make_admin())
    assert (overview.default, overview.matrix, overview.calendars) == (None, {}, [])


def test_only_admins_read_the_setup():
    agent = make_agent(tier=3)
    with pytest.raises(NotAllowed):
        sla_overview(agent)
    with pytest.raises(NotAllowed):
        list_calendars(agent)
