"""The agent desk through the test client: queues, the ticket page and every action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.vocabulary import AccountTier, Priority, Status
from app.extensions import db
from app.models import Message, Ticket, TierChange
from tests.factories import (
    make_admin,
    make_agent,
    make_customer,
    make_message,
    make_org,
    make_team,
    make_ticket,
)


def fresh(ticket_id: int) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def test_the_desk_opens_the_agents_own_tier_queue(client, login_as):
    login_as(make_agent(tier=2))
    assert client.get("/desk/").headers["Location"] == "/desk/queues/tier-2"


def test_admins_start_at_the_front_line(client, login_as):
    login_as(make_admin())
    assert client.get("/desk/").headers["Location"] == "/desk/queues/tier-1"


def test_a_lead_lands_on_the_dashboard(client, login_as):
    login_as(make_admin())
    assert client.get("/").headers["Location"] == "/desk/reports/"
    assert b"Today on the desk" in client.get("/desk/reports/").data


def test_an_agent_lands_on_their_queue(client, login_as):
    login_as(make_agent(tier=3))
    assert client.get("/").headers["Location"] == "/desk/"
    assert client.get("/desk/").headers["Location"] == "/desk/queues/tier-3"


def test_an_empty_queue_says_so(client, login_as):
    make_ticket(tier=2)
    login_as(make_agent(tier=1))
    page = client.get("/desk/queues/tier-1").get_data(as_text=True)
    assert "Nothing waiting in this queue." in page
    assert 'href="/desk/queues/tier-1" aria-current="page"' in page


def test_a_tier_queue_lists_that_tiers_active_tickets(client, login_as):
    make_ticket(subject="Tier one open", tier=1)
    make_ticket(subject="Tier two open", tier=2)
    make_ticket(subject="Tier one solved", tier=1, status=Status.solved)
    login_as(make_agent(tier=1))
    page = client.get("/desk/queues/tier-1").get_data(as_text=True)
    assert "Tier one open" in page
    assert "Tier two open" not in page and "Tier one solved" not in page


def test_queues_order_both_ways_and_page_without_repeats(client, login_as, now):
    customer = make_customer()
    for n in range(27):
        make_ticket(customer, subject=f"Queue item {n:02d}", created_at=now - timedelta(minutes=n))
    login_as(make_agent(tier=1))
    newest = client.get("/desk/queues/tier-1?order=newest").get_data(as_text=True)
    assert newest.index("Queue item 00") < newest.index("Queue item 01")
    assert "Queue item 25" not in newest
    cursor = newest.split("after=", 1)[1].split("&", 1)[0].split('"', 1)[0]
    rest = client.get(f"/desk/queues/tier-1?order=newest&after={cursor}").get_data(as_text=True)
    assert "Queue item 25" in rest and "Queue item 26" in rest and "Queue item 24" not in rest
    oldest = client.get("/desk/queues/tier-1?order=oldest").get_data(as_text=True)
    assert oldest.index("Queue item 26") < oldest.index("Queue item 25")


@pytest.mark.parametrize("url", ["/desk/queues/tier-9", "/desk/queues/everything"])
def test_bad_queue_requests_are_400_with_a_sentence(client, login_as, url):
    login_as(make_agent())
    response = client.get(url)
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query, says",
    [
        ("order=random", "Order is one of risk, newest, oldest."),
        ("after=not-a-cursor", "That page link is broken"),
        ("order=newest&after=" + "cmFua3wxfDI", "That page link is broken"),  # a risk-order cursor
    ],
)
def test_a_bad_order_or_page_link_is_a_400_on_the_queue_form(client, login_as, query, says):
    login_as(make_agent())
    response = client.get(f"/desk/queues/tier-1?{query}")
    assert response.status_code == 400
    assert says in response.get_data(as_text=True)


def test_mine_and_unassigned(client, login_as):
    agent = make_agent(tier=2)
    make_ticket(subject="Mine to do", assignee_id=agent.id)
    make_ticket(subject="Nobody has it")
    login_as(agent)
    mine = client.get("/desk/queues/mine").get_data(as_text=True)
    unassigned = client.get("/desk/queues/unassigned").get_data(as_text=True)
    assert "Mine to do" in mine and "Nobody has it" not in mine
    assert "Nobody has it" in unassigned and "Mine to do" not in unassigned


def test_the_ticket_page_shows_notes_history_and_the_customers_relationship(client, login_as):
    org = make_org(name="Globex", account_tier=AccountTier.strategic, lifetime_value=4_200_000)
    customer = make_customer(organization=org, name="Hank Scorpio")
    ticket = make_ticket(customer)
    make_ticket(customer, subject="Earlier problem")
    agent = make_agent(tier=1)
    make_message(ticket, agent, body="Careful: legal hold", internal=True)
    login_as(agent)
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "Internal note" in page and "Careful: legal hold" in page
    assert "Globex" in page and "Strategic" in page and "42,000.00" in page
    assert "Earlier problem" in page
    assert client.get("/desk/tickets/999999").status_code == 404


def test_reply_note_assign_status_and_priority(client, login_as, now):
    agent = make_agent(tier=2)
    team = make_team(name="Technical", tier=2)
    ticket = make_ticket(tier=2, status=Status.new)
    login_as(agent)
    base = f"/desk/tickets/{ticket.id}"
    assert client.post(f"{base}/reply", data={"reply-body": "On it", "reply-status": ""}).status_code == 302
    assert client.post(f"{base}/note", data={"note-body": "Looks like the cache"}).status_code == 302
    assert (
        client.post(
            f"{base}/assign", data={"assign-assignee": str(agent.id), "assign-team": str(team.id)}
        ).status_code
        == 302
    )
    assert client.post(f"{base}/status", data={"status-status": "pending"}).status_code == 302
    assert client.post(f"{base}/priority", data={"priority-priority": "urgent"}).status_code == 302
    ticket = fresh(ticket.id)
    assert (ticket.status, ticket.priority) == (Status.pending, Priority.urgent)
    assert (ticket.assignee_id, ticket.team_id) == (agent.id, team.id)
    assert ticket.first_responded_at is not None
    bodies = db.session.scalars(select(Message.body).order_by(Message.id)).all()
    assert bodies == ["On it", "Looks like the cache"]


def test_a_reply_can_solve_and_an_assignment_can_be_cleared(client, login_as):
    agent = make_agent(tier=1)
    ticket = make_ticket(tier=1, assignee_id=agent.id)
    login_as(agent)
    base = f"/desk/tickets/{ticket.id}"
    response = client.post(
        f"{base}/reply", data={"reply-body": "Fixed", "reply-status": "solved"}, follow_redirects=True
    )
    assert "Reply sent." in response.get_data(as_text=True)
    assert client.post(f"{base}/assign", data={"assign-assignee": ""}).status_code == 302
    ticket = fresh(ticket.id)
    assert (ticket.status, ticket.assignee_id) == (Status.solved, None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"assign-assignee": "abc"}, "could not coerce"),
        ({"assign-assignee": "999999"}, "Choose an active agent."),
        ({"assign-assignee": "", "assign-team": "999999"}, "No such team."),
        ({"assign-assignee": "LOW"}, "could not coerce"),
        ({"assign-assignee": "99999999999999999999"}, "Choose an active agent."),
        ({"assign-assignee": "", "assign-team": "-99999999999999999999"}, "No such team."),
    ],
)
def test_bad_assignments_are_form_errors(client, login_as, data, message):
    agent = make_agent(tier=2)
    ticket = make_ticket(tier=2, assignee_id=agent.id)
    login_as(agent)
    response = client.post(f"/desk/tickets/{ticket.id}/assign", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert fresh(ticket.id).assignee_id == agent.id


def test_digits_of_another_script_are_no_agent_id(client, login_as):
    agent, other = make_agent(tier=2), make_agent(tier=2, name="Other Agent")
    ticket = make_ticket(tier=2, assignee_id=agent.id)
    login_as(agent)
    arabic_indic = str(other.id).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = client.post(f"/desk/tickets/{ticket.id}/assign", data={"assign-assignee": arabic_indic})
    assert response.status_code == 400
    assert "could not coerce" in response.get_data(as_text=True)
    assert fresh(ticket.id).assignee_id == agent.id


def test_an_agent_below_the_tickets_tier_cannot_be_assigned(client, login_as):
    frontline = make_agent(tier=1, name="Fran Frontline")
    ticket = make_ticket(tier=2)
    login_as(make_agent(tier=2))
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "Fran Frontline" not in page
    response = client.post(f"/desk/tickets/{ticket.id}/assign", data={"assign-assignee": str(frontline.id)})
    assert response.status_code == 400
    assert "Fran Frontline works tiers up to 1" in response.get_data(as_text=True)
    assert fresh(ticket.id).assignee_id is None


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("status", {"status-status": "bogus"}),
        ("priority", {"priority-priority": "meh"}),
        ("reply", {"reply-body": ""}),
        ("note", {"note-body": ""}),
    ],
)
def test_bad_values_for_the_other_actions_are_400(client, login_as, action, data):
    ticket = make_ticket(tier=1)
    login_as(make_agent(tier=1))
    assert client.post(f"/desk/tickets/{ticket.id}/{action}", data=data).status_code == 400
    ticket = fresh(ticket.id)
    assert (ticket.status, ticket.priority) == (Status.open, Priority.normal)
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_escalation_with_a_reason_records_a_tier_change(client, login_as):
    ticket = make_ticket(tier=1)
    login_as(make_agent(tier=1))
    response = client.post(
        f"/desk/tickets/{ticket.id}/tier",
        data={"tier-tier": "2", "tier-reason_code": "needs_expertise", "tier-reason": "Needs log analysis"},
    )
    assert response.status_code == 302
    change = db.session.scalars(select(TierChange)).one()
    assert (change.from_tier, change.to_tier, change.reason) == (1, 2, "Needs log analysis")
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "Needs log analysis" in page and "Read-only" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"tier-tier": "2", "tier-reason_code": "needs_expertise", "tier-reason": ""},
            "Say why you are moving this ticket.",
        ),
        ({"tier-tier": "5", "tier-reason_code": "needs_expertise", "tier-reason": "x"}, "Not a valid choice"),
        (
            {"tier-tier": "abc", "tier-reason_code": "needs_expertise", "tier-reason": "x"},
            "Invalid Choice: could not coerce",
        ),
        ({"tier-tier": "2", "tier-reason_code": "", "tier-reason": "x"}, "Pick a reason code"),
        (
            {"tier-tier": "4", "tier-reason_code": "vendor_issue", "tier-reason": "x"},
            "choose the external vendor team",
        ),
        (
            {"tier-tier": "4", "tier-reason_code": "vendor_issue", "tier-reason": "x", "tier-vendor": "zz"},
            "could not coerce",
        ),
    ],
)
def test_bad_tier_moves_are_form_errors_and_change_nothing(client, login_as, data, message):
    ticket = make_ticket(tier=1)
    login_as(make_agent(tier=3))
    response = client.post(f"/desk/tickets/{ticket.id}/tier", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert fresh(ticket.id).tier == 1
    assert db.session.scalar(select(func.count()).select_from(TierChange)) == 0


def test_a_vendor_handoff_from_the_desk(client, login_as):
    vendor = make_team(name="CloudCo", tier=4, is_external=True, vendor_target_hours=24)
    ticket = make_ticket(tier=3)
    login_as(make_agent(tier=4))
    response = client.post(
        f"/desk/tickets/{ticket.id}/tier",
        data={
            "tier-tier": "4",
            "tier-reason_code": "vendor_issue",
            "tier-reason": "Provider outage",
            "tier-vendor": str(vendor.id),
            "tier-vendor_reference": "CC-777",
        },
    )
    assert response.status_code == 302
    assert "CC-777" in client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)


def test_a_ticket_above_the_agents_tier_is_read_only(client, login_as):
    ticket = make_ticket(tier=3)
    login_as(make_agent(tier=1))
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "Read-only: this ticket is at tier 3; you work tiers up to 1." in page
    assert "Move ticket" not in page and "Send reply" not in page
    assert (
        client.post(f"/desk/tickets/{ticket.id}/status", data={"status-status": "solved"}).status_code == 403
    )
    assert (
        client.post(
            f"/desk/tickets/{ticket.id}/tier",
            data={
                "tier-tier": "1",
                "tier-reason_code": "wrong_tier",
                "tier-reason": "Back to frontline please",
            },
        ).status_code
        == 403
    )
    assert client.post(f"/desk/tickets/{ticket.id}/tier", data={"tier-tier": "abc"}).status_code == 403
    assert (fresh(ticket.id).tier, fresh(ticket.id).status) == (3, Status.open)
    assert db.session.scalar(select(func.count()).select_from(TierChange)) == 0


def test_notes_are_allowed_on_a_read_only_ticket(client, login_as):
    ticket = make_ticket(tier=3)
    login_as(make_agent(tier=1))
    response = client.post(
        f"/desk/tickets/{ticket.id}/note", data={"note-body": "Customer called"}, follow_redirects=True
    )
    assert "Customer called" in response.get_data(as_text=True)


def test_an_unknown_action_is_404(client, login_as):
    ticket = make_ticket()
    login_as(make_agent())
    assert client.post(f"/desk/tickets/{ticket.id}/explode").status_code == 404


def test_customers_get_403_and_anonymous_users_go_to_sign_in(client, login_as):
    assert client.get("/desk/queues/tier-1").headers["Location"].startswith("/auth/login?next=")
    login_as(make_customer().user)
    assert client.get("/desk/").status_code == 403


def test_team_breaching_soon_and_waiting_views(client, login_as):
    from datetime import timedelta

    from app.models.types import utcnow

    team = make_team(name="Frontline")
    agent = make_agent(tier=1, team_id=team.id)
    make_ticket(subject="Our team's", team_id=team.id)
    make_ticket(subject="Due any minute", sla_next_check_at=utcnow() + timedelta(minutes=20))
    make_ticket(subject="Due next week", sla_next_check_at=utcnow() + timedelta(days=7))
    make_ticket(subject="Waiting for the customer", status=Status.pending)
    login_as(agent)
    team_page = client.get("/desk/queues/team").get_data(as_text=True)
    soon = client.get("/desk/queues/breaching").get_data(as_text=True)
    waiting = client.get("/desk/queues/waiting").get_data(as_text=True)
    assert "Our team&#39;s" in team_page and "Due any minute" not in team_page
    assert "Due any minute" in soon and "Due next week" not in soon
    assert "Waiting for the customer" in waiting and "Our team" not in waiting
