"""Desk keyboard shortcuts: the help overlay and the script are on staff pages only."""

from __future__ import annotations

from datetime import UTC, datetime

from tests import factories


def test_the_help_overlay_and_script_are_on_desk_pages(client, login_as):
    ticket = factories.make_ticket(tier=1)
    login_as(factories.make_agent(tier=1))
    for url in (f"/desk/tickets/{ticket.id}", "/desk/queues/tier-1", "/desk/search"):
        page = client.get(url).get_data(as_text=True)
        assert '<dialog id="shortcuts-help"' in page, url
        assert 'aria-labelledby="shortcuts-title"' in page
        assert "js/shortcuts.js" in page and 'id="nav-search"' in page
    script = client.get("/static/js/shortcuts.js")
    assert script.status_code == 200
    assert b"reply-body" in script.data and b"note-body" in script.data
    script.close()


def test_the_fields_the_shortcuts_focus_exist(client, login_as):
    ticket = factories.make_ticket(tier=1)
    login_as(factories.make_agent(tier=1))
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    # "n" chooses the composer's note mode ("note-body" is the note form of a read-only ticket).
    for field in ('id="reply-body"', 'name="reply-mode" type="radio" value="note"', 'id="tier-tier"'):
        assert field in page


def test_the_ticket_page_links_the_next_ticket_in_its_queue(client, login_as):
    older = factories.make_ticket(tier=1, created_at=datetime(2026, 2, 1, tzinfo=UTC))
    newer = factories.make_ticket(tier=1)
    login_as(factories.make_agent(tier=1))
    page = client.get(f"/desk/tickets/{newer.id}").get_data(as_text=True)
    assert f'id="next-ticket" href="/desk/tickets/{older.id}"' in page
    assert 'id="next-ticket"' not in client.get(f"/desk/tickets/{older.id}").get_data(as_text=True)


def test_customers_get_no_desk_shortcuts(client, login_as):
    customer = factories.make_customer()
    login_as(customer.user)
    page = client.get("/portal/").get_data(as_text=True)
    assert "shortcuts-help" not in page and "shortcuts.js" not in page


def test_after_escalating_the_next_ticket_is_in_the_agents_own_queue(client, login_as):
    waiting = factories.make_ticket(tier=1, created_at=datetime(2026, 2, 1, tzinfo=UTC))
    escalated = factories.make_ticket(tier=1)
    factories.make_ticket(tier=2, created_at=datetime(2026, 1, 1, tzinfo=UTC))  # the receiving queue's
    login_as(factories.make_agent(tier=1))
    response = client.post(
        f"/desk/tickets/{escalated.id}/tier",
        data={
            "tier-tier": "2",
            "tier-reason_code": "needs_expertise",
            "tier-reason": "Needs a database look",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Moved to tier 2." in page
    assert f'id="next-ticket" href="/desk/tickets/{waiting.id}"' in page
