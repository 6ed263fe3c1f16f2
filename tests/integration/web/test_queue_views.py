"""Desk queues through the test client: risk order with its parts, filters, saved views, counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.vocabulary import AccountTier, Channel, Priority, Status
from app.extensions import db
from app.models import SavedView, TicketTag
from app.services.queues import desk as queues
from app.services.relationship.risk_refresh import rank_all_active
from tests.factories import make_agent, make_customer, make_org, make_ticket


def subjects(page: str) -> list[str]:
    return re.findall(
        r'<td class="subject"><a href="/desk/tickets/\d+" tabindex="-1" title="[^"]+">(Item [^<]+)</a></td>',
        page,
    )


def test_the_queue_shows_the_riskiest_first_with_the_parts_of_each_rank(client, login_as, now):
    strategic = make_customer(organization=make_org(account_tier=AccountTier.strategic))
    inside = make_customer(organization=make_org(account_tier=AccountTier.inside))
    make_ticket(inside, subject="Item calm", priority=Priority.low)
    make_ticket(strategic, subject="Item hot", priority=Priority.urgent)
    make_ticket(inside, subject="Item warm", priority=Priority.high)
    rank_all_active(now)
    login_as(make_agent(tier=1))
    page = client.get("/desk/queues/tier-1").get_data(as_text=True)
    assert subjects(page) == ["Item hot", "Item warm", "Item calm"]
    assert "<li>Account tier: 30</li>" in page and "<li>Priority: 40</li>" in page
    assert 'title="Time to breach 0; Account tier 30;' in page
    newest = client.get("/desk/queues/tier-1?order=newest").get_data(as_text=True)
    assert len(subjects(newest)) == 3


def test_risk_order_pages_by_cursor_without_repeats_or_gaps(client, login_as, now):
    customer = make_customer()
    for n in range(30):
        make_ticket(customer, subject=f"Item {n:02d}", priority=list(Priority)[n % 4])
    rank_all_active(now)
    login_as(make_agent(tier=1))
    first = client.get("/desk/queues/tier-1").get_data(as_text=True)
    cursor = re.search(r'after=([^"&]+)', first).group(1)
    second = client.get(f"/desk/queues/tier-1?after={cursor}").get_data(as_text=True)
    seen = subjects(first) + subjects(second)
    assert len(subjects(first)) == 25 and sorted(seen) == [f"Item {n:02d}" for n in range(30)]
    # Urgent first (every fourth), equal ranks newest id first, then high.
    assert seen[:8] == [f"Item {n:02d}" for n in (27, 23, 19, 15, 11, 7, 3, 26)]


def test_filters_narrow_every_queue(client, login_as, now):
    org = make_org(account_tier=AccountTier.field)
    make_ticket(
        make_customer(organization=org),
        subject="Item field chat",
        channel=Channel.chat,
        priority=Priority.urgent,
        status=Status.pending,
    )
    tagged = make_ticket(subject="Item tagged", channel=Channel.email)
    db.session.add(TicketTag(ticket_id=tagged.id, tag="billing"))
    db.session.commit()
    login_as(make_agent(tier=1))
    for query, expected in [
        ("priority=urgent", ["Item field chat"]),
        ("channel=email", ["Item tagged"]),
        ("account_tier=field", ["Item field chat"]),
        ("tag=billing", ["Item tagged"]),
        ("status=pending", ["Item field chat"]),
        ("status=open&channel=chat", []),
    ]:
        for queue in ("tier-1", "unassigned"):
            response = client.get(f"/desk/queues/{queue}?{query}")
            assert response.status_code == 200
            assert subjects(response.get_data(as_text=True)) == expected, (queue, query)


@pytest.mark.parametrize(
    "query, says",
    [
        ("priority=bogus", "No priority &#39;bogus&#39; in a queue"),
        ("status=solved", "No status &#39;solved&#39; in a queue; choose one of new, open, pending"),
        ("account_tier=gold", "No account tier &#39;gold&#39;"),
        ("channel=fax", "No channel &#39;fax&#39;"),
        ("tag=Not+A+Tag!", "A tag is 1–40 lowercase letters"),
    ],
)
def test_a_bad_filter_is_a_400_shown_on_the_filter_form(client, login_as, query, says):
    make_ticket(subject="Item any")
    login_as(make_agent(tier=1))
    response = client.get(f"/desk/queues/tier-1?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert says in page and 'role="alert"' in page and "Item any" not in page


def test_an_agent_saves_lists_and_deletes_their_own_views(client, login_as):
    ana, ben = make_agent(name="Ana"), make_agent(name="Ben")
    login_as(ana)
    response = client.post(
        "/desk/views",
        data={"name": "Urgent chats", "queue": "tier-1", "priority": "urgent", "channel": "chat"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/desk/queues/tier-1?priority=urgent&channel=chat"
    page = client.get("/desk/queues/tier-1").get_data(as_text=True)
    assert 'href="/desk/queues/tier-1?priority=urgent&amp;channel=chat">Urgent chats</a>' in page
    view = db.session.scalars(select(SavedView)).one()

    duplicate = client.post("/desk/views", data={"name": "Urgent chats", "queue": "tier-1"})
    assert duplicate.status_code == 400
    bad = client.post("/desk/views", data={"name": "x", "queue": "tier-1", "priority": "meh"})
    assert bad.status_code == 400

    client.post("/auth/logout")
    login_as(ben)
    assert "Urgent chats" not in client.get("/desk/queues/tier-1").get_data(as_text=True)
    assert client.post(f"/desk/views/{view.id}/delete").status_code == 404
    assert db.session.scalars(select(SavedView)).one().id == view.id

    client.post("/auth/logout")
    login_as(ana)
    gone = client.post(f"/desk/views/{view.id}/delete", data={"back": "/desk/queues/tier-1"})
    assert gone.status_code == 302 and gone.headers["Location"] == "/desk/queues/tier-1"
    assert db.session.scalars(select(SavedView)).all() == []


def test_each_queue_shows_its_count_of_active_tickets_capped(client, login_as, monkeypatch):
    agent = make_agent(tier=1)
    for _ in range(3):
        make_ticket()
    make_ticket(status=Status.solved)
    make_ticket(tier=2, assignee_id=agent.id)
    login_as(agent)
    page = client.get("/desk/queues/tier-1").get_data(as_text=True)
    assert re.search(r'tier-1" aria-current="page">[^<]+<span class="count"[^>]*>3</span>', page)
    assert re.search(r'/mine"[^>]*>[^<]+<span class="count"[^>]*>1</span>', page)
    monkeypatch.setattr(queues, "COUNT_CAP", 3)
    assert queues.queue_counts(agent)["tier-1"] == 3
    assert queues.count_label(3) == "2+"


def test_the_live_queue_answers_counts_and_rows_for_the_open_page(client, login_as):
    login_as(make_agent(tier=1))
    first = make_ticket(tier=1, subject="Item first")
    live = client.get("/desk/queues/tier-1/live", headers={"Accept": "application/json"})
    assert live.status_code == 200 and live.json["counts"]["tier-1"] == "1" and live.json["size"] == 1
    assert f'data-href="/desk/tickets/{first.id}"' in live.json["rows"]
    arrived = make_ticket(tier=1, subject="Item arrived")
    live = client.get("/desk/queues/tier-1/live?order=newest").json
    assert live["counts"]["tier-1"] == "2" and subjects(live["rows"]) == ["Item arrived", "Item first"]
    assert f"/desk/tickets/{arrived.id}" in live["rows"]
    refused = client.get("/desk/queues/tier-1/live?priority=meh", headers={"Accept": "application/json"})
    assert refused.status_code == 400 and refused.is_json
    assert client.get("/desk/queues/nowhere/live", headers={"Accept": "application/json"}).status_code in (
        400,
        404,
    )


def _clock_due(ticket, due_at):
    from app.domain.sla_vocabulary import SlaTarget
    from app.models import SlaClock

    db.session.add(
        SlaClock(
            ticket_id=ticket.id,
            target=SlaTarget.resolution,
            tier=ticket.tier,
            minutes=480,
            started_at=due_at - timedelta(hours=8),
            warn_at=due_at - timedelta(hours=2),
            due_at=due_at,
        )
    )
    db.session.commit()


def sla_cell(page: str, reference: str) -> str:
    row = page[page.index(f">{reference}</a>") :]
    return row[row.index('<td class="sla">') : row.index("</td>", row.index('<td class="sla">'))]


def test_the_service_level_cell_never_counts_down_to_a_paused_clock_or_calls_a_missed_one_on_track(
    client, login_as
):
    from app.domain.sla_vocabulary import SlaBadge
    from app.models.types import utcnow

    now = utcnow()
    customer = make_customer()
    waiting = make_ticket(customer, subject="Item waiting", status=Status.pending, sla_badge=SlaBadge.ok)
    missed = make_ticket(customer, subject="Item missed", sla_badge=SlaBadge.ok)
    running = make_ticket(customer, subject="Item running", sla_badge=SlaBadge.ok)
    _clock_due(waiting, now - timedelta(days=3))  # stored before the pause; it moves on with it
    _clock_due(missed, now - timedelta(hours=1))  # passed since the last sweep
    _clock_due(running, now + timedelta(days=2))
    login_as(make_agent(tier=1))
    page = client.get("/desk/queues/tier-1").get_data(as_text=True)
    paused = sla_cell(page, waiting.reference)
    assert "Paused" in paused and "over" not in paused and "On track" not in paused
    late = sla_cell(page, missed.reference)
    assert "Breached" in late and "On track" not in late
    on_time = sla_cell(page, running.reference)
    assert "On track" in on_time and "left" in on_time
