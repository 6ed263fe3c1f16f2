"""Links in mail are built on BASE_URL; a sweep builds its ticket link once and fills in ids."""

from __future__ import annotations

import pytest
from flask import current_app

from app.services.common.links import absolute_url, absolute_url_by_id


@pytest.mark.parametrize("base_url", ["https://desk.example.com", "https://example.com/support/"])
def test_a_link_filled_in_by_id_is_the_link_built_for_that_id(base_url, monkeypatch):
    monkeypatch.setitem(current_app.config, "BASE_URL", base_url)
    link = absolute_url_by_id("desk.tickets.ticket", "ticket_id")
    for ticket_id in (1, 42, 9_876_543):
        assert link(ticket_id) == absolute_url("desk.tickets.ticket", ticket_id=ticket_id)
    assert link(42).startswith(base_url.rstrip("/") + "/")
