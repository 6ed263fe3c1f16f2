"""Two agents on one ticket: the later save over a newer state is refused, nothing is lost."""

from __future__ import annotations

import re

from app.domain.vocabulary import Priority, Status
from app.extensions import db
from app.models import Message, Ticket
from app.services.tickets.changes import change_tier
from tests import factories
from tests.factories import signed_in


def version_on_page(page: str, form: str) -> str:
    return re.search(rf'name="{form}-version" type="hidden" value="(\d+)"', page).group(1)


def test_a_save_over_a_newer_state_is_refused_with_the_newer_state(app):
    ticket = factories.make_ticket(tier=1)
    first = signed_in(app, factories.make_agent(tier=2, name="Ana"))
    second = signed_in(app, factories.make_agent(tier=2, name="Ben"))
    seen = version_on_page(first.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True), "reply")
    page_b = second.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert (  # Ben sets the status from the properties panel, with no message
        second.post(
            f"/desk/tickets/{ticket.id}/reply",
            data={
                "reply-status": "pending",
                "reply-body": "",
                "reply-version": version_on_page(page_b, "reply"),
            },
        ).status_code
        == 302
    )
    refused = first.post(
        f"/desk/tickets/{ticket.id}/reply",
        data={"reply-body": "Here is what I found", "reply-status": "", "reply-version": seen},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "changed since you opened it" in page and "pending" in page
    assert "Here is what I found" in page  # what the agent typed is still there
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status is Status.pending
    assert db.session.query(Message).count() == 0
    again = first.post(
        f"/desk/tickets/{ticket.id}/reply",
        data={
            "reply-body": "Here is what I found",
            "reply-status": "",
            "reply-version": version_on_page(page, "reply"),
        },
    )
    assert again.status_code == 302
    assert db.session.query(Message).count() == 1


def test_a_form_without_a_version_still_works(client, login_as):
    ticket = factories.make_ticket(tier=1)
    login_as(factories.make_agent(tier=1))
    assert (
        client.post(f"/desk/tickets/{ticket.id}/priority", data={"priority-priority": "high"}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).priority is Priority.high


def test_a_reply_from_a_page_shown_before_the_ticket_moved_above_the_agents_tier(app):
    """The ticket was escalated past the agent's tier while they typed: the same 'changed
    meanwhile' answer as any stale save, with the newer state and the text kept, not a bare 403."""
    ticket = factories.make_ticket(tier=1)
    frontline = signed_in(app, factories.make_agent(tier=1, name="Ana"))
    seen = version_on_page(frontline.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True), "reply")
    change_tier(
        factories.make_agent(tier=3, name="Ben"),
        ticket.id,
        3,
        "Needs an engineer",
        reason_code="needs_expertise",
    )
    refused = frontline.post(
        f"/desk/tickets/{ticket.id}/reply",
        data={"reply-body": "Try clearing the cache", "reply-status": "", "reply-version": seen},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "changed since you opened it" in page and "Read-only: this ticket is at tier 3" in page
    assert "Try clearing the cache" in page  # kept in the note form, the one still on the page
    db.session.expire_all()
    assert db.session.query(Message).count() == 0


def test_an_escalation_reason_from_a_stale_page_is_kept_too(app):
    ticket = factories.make_ticket(tier=1)
    frontline = signed_in(app, factories.make_agent(tier=1))
    seen = version_on_page(frontline.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True), "tier")
    change_tier(
        factories.make_agent(tier=3), ticket.id, 3, "Needs an engineer", reason_code="needs_expertise"
    )
    refused = frontline.post(
        f"/desk/tickets/{ticket.id}/tier",
        data={
            "tier-tier": "2",
            "tier-reason_code": "needs_expertise",
            "tier-reason": "Crash in the export module",
            "tier-version": seen,
        },
    )
    assert refused.status_code == 409
    assert "Crash in the export module" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).tier == 3


def test_a_page_that_never_showed_the_form_is_still_refused_outright(app):
    ticket = factories.make_ticket(tier=3)
    frontline = signed_in(app, factories.make_agent(tier=1))
    current = str(ticket.version)  # what a page shown now would carry
    for data in (
        {"reply-body": "Hello", "reply-status": ""},
        {"reply-body": "Hello", "reply-status": "", "reply-version": current},
    ):
        assert frontline.post(f"/desk/tickets/{ticket.id}/reply", data=data).status_code == 403
