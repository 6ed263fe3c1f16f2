"""Bulk actions: one service call per ticket, per-ticket permissions, a summary of what was skipped."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.domain.vocabulary import Priority
from app.extensions import db
from app.models import Activity, Ticket, TicketTag
from app.services.tickets.bulk import bulk_apply
from tests.factories import make_agent, make_ticket


def test_bulk_priority_respects_each_tickets_tier(client, login_as):
    mine = [make_ticket(tier=1) for _ in range(2)]
    above = make_ticket(tier=3)
    login_as(make_agent(tier=1))
    response = client.post(
        "/desk/bulk",
        data={
            "ticket_ids": [str(t.id) for t in [*mine, above]],
            "action": "priority",
            "priority": "urgent",
            "back": "/desk/queues/tier-1",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert f"2 changed, 1 skipped ({above.reference} is at tier 3" in page
    assert f"{above.reference}: {above.reference}" not in page  # the reference is said once
    db.session.expire_all()
    assert [db.session.get(Ticket, t.id).priority for t in mine] == [Priority.urgent] * 2
    assert db.session.get(Ticket, above.id).priority is Priority.normal
    assert db.session.scalars(select(Activity.kind)).all() == ["priority_changed"] * 2


def test_bulk_tag_and_escalate(now):
    agent = make_agent(tier=2)
    tickets = [make_ticket(tier=1) for _ in range(3)]
    tagged = bulk_apply(agent, [t.id for t in tickets], "tag", tag="outage-march")
    assert len(tagged.done) == 3 and len(db.session.scalars(select(TicketTag)).all()) == 3
    again = bulk_apply(agent, [tickets[0].id], "tag", tag="outage-march")
    assert again.skipped == [(tickets[0].reference, "Already tagged 'outage-march'.")]
    moved = bulk_apply(
        agent, [t.id for t in tickets], "tier", tier=2, reason="Outage", reason_code="sla_risk"
    )
    assert len(moved.done) == 3
    db.session.expire_all()
    assert {db.session.get(Ticket, t.id).tier for t in tickets} == {2}


def test_an_empty_or_huge_selection_goes_back_to_the_queue_with_a_message(client, login_as):
    login_as(make_agent())
    back = "/desk/queues/tier-1?priority=high&order=oldest"
    response = client.post("/desk/bulk", data={"action": "tag", "tag": "x", "back": back})
    assert response.status_code == 302 and response.headers["Location"] == back
    page = client.get(back).get_data(as_text=True)
    assert "Tick at least one ticket in the list, then choose Apply." in page
    response = client.post(
        "/desk/bulk",
        data={"ticket_ids": [str(n) for n in range(1, 200)], "action": "tag", "tag": "x", "back": back},
    )
    assert response.headers["Location"] == back
    assert "Select at most 100 tickets" in client.get(back).get_data(as_text=True)
    # Only a desk address is a way back.
    response = client.post("/desk/bulk", data={"action": "tag", "back": "https://elsewhere.test/desk/"})
    assert response.headers["Location"].endswith("/desk/")
    assert db.session.scalars(select(TicketTag)).all() == []


def test_a_bulk_move_without_a_reason_code_names_the_codes_in_words(client, login_as):
    ticket = make_ticket(tier=1)
    login_as(make_agent(tier=2))
    data = {
        "ticket_ids": [str(ticket.id)],
        "action": "tier",
        "tier": "2",
        "reason": "Outage",
        "back": "/desk/",
    }
    page = client.post("/desk/bulk", data=data, follow_redirects=True).get_data(as_text=True)
    (flash,) = re.findall(r'class="flash flash-info" role="status">(.*?)</div>', page, re.DOTALL)
    assert "Pick a reason code for escalating: “Needs more expertise”" in flash
    assert "_" not in flash.replace(ticket.reference, "")
