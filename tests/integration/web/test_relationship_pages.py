"""Customer and organization pages on the desk, the ticket sidebar, and CSAT from the portal."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.domain.vocabulary import ActivityKind, Status
from app.extensions import db
from app.models import Activity, CsatAnswer, Organization
from app.services.common.history import record
from tests.factories import make_admin, make_agent, make_customer, make_org, make_ticket


def test_the_customer_page_shows_facts_figures_health_and_history(client, login_as, now):
    org = make_org(name="Globex", timezone="Europe/Berlin")
    customer = make_customer(organization=org, name="Hank Scorpio")
    make_ticket(customer, subject="Open thing")
    for n in range(30):
        record(
            ActivityKind.touchpoint, f"touch {n:02d}", now=now + timedelta(minutes=n), customer_id=customer.id
        )
    db.session.commit()
    login_as(make_agent())
    page = client.get(f"/desk/customers/{customer.id}").get_data(as_text=True)
    for text in (
        "Hank Scorpio",
        "Globex",
        "Europe/Berlin",
        "Open tickets",
        "Health",
        "/100",
        "touch 29",
        "Open thing",
    ):
        assert text in page, text
    assert "touch 00" not in page
    cursor = page.split("after=", 1)[1].split('"', 1)[0]
    older = client.get(f"/desk/customers/{customer.id}?after={cursor}").get_data(as_text=True)
    assert "touch 00" in older and "touch 29" not in older
    assert client.get(f"/desk/customers/{customer.id}?kind=nope").status_code == 400
    assert client.get("/desk/customers/99999").status_code == 404


def test_admins_change_account_facts_and_log_touchpoints(client, login_as):
    org = make_org()
    login_as(make_admin())
    response = client.post(
        f"/desk/organizations/{org.id}/account",
        data={"account_tier": "strategic", "lifecycle_stage": "advocacy", "loyalty_segment": ""},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, org.id).account_tier.value == "strategic"
    assert (
        client.post(
            f"/desk/organizations/{org.id}/account",
            data={"account_tier": "gold", "lifecycle_stage": "advocacy"},
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/desk/organizations/{org.id}/touchpoints",
            data={"kind": "promotion", "summary": "Sent the spring offer"},
        ).status_code
        == 302
    )
    page = client.get(f"/desk/organizations/{org.id}").get_data(as_text=True)
    assert "Promotion: Sent the spring offer" in page
    assert (
        client.post(
            f"/desk/organizations/{org.id}/touchpoints", data={"kind": "promotion", "summary": ""}
        ).status_code
        == 400
    )


def test_the_ticket_sidebar_links_the_whole_relationship(client, login_as, now):
    customer = make_customer()
    ticket = make_ticket(customer)
    make_ticket(customer, subject="Another open one")
    record(ActivityKind.touchpoint, "Met at the fair", now=now, customer_id=customer.id)
    db.session.commit()
    login_as(make_agent())
    page = client.get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    assert "Another open one" in page and "Met at the fair" in page
    assert f"/desk/customers/{customer.id}" in page and "/100" in page


def test_customers_never_reach_desk_profiles_or_internal_facts(client, login_as):
    me, other = make_customer(), make_customer()
    login_as(me.user)
    assert client.get(f"/desk/customers/{other.id}").status_code == 403
    assert client.get(f"/desk/customers/{me.id}").status_code == 403
    profile = client.get("/portal/profile").get_data(as_text=True)
    assert me.user.email in profile
    assert "Health" not in profile and "Lifetime value" not in profile and "/100" not in profile


def test_a_customer_rates_a_solved_request_from_the_portal(client, login_as):
    customer = make_customer()
    ticket = make_ticket(customer, status=Status.solved)
    login_as(customer.user)
    page = client.get(f"/portal/tickets/{ticket.id}").get_data(as_text=True)
    assert "Rate this request" in page
    assert client.post(f"/portal/tickets/{ticket.id}/rating", data={"rating": "7"}).status_code == 400
    response = client.post(
        f"/portal/tickets/{ticket.id}/rating", data={"rating": "4", "comment": "Quick and kind"}
    )
    assert response.status_code == 302
    answer = db.session.scalars(select(CsatAnswer)).one()
    assert (answer.rating, answer.comment) == (4, "Quick and kind")
    assert "Change my rating" in client.get(f"/portal/tickets/{ticket.id}").get_data(as_text=True)
    assert db.session.scalars(select(Activity.kind)).all() == ["csat_received"]
    open_ticket = make_ticket(customer)
    assert "Rate this request" not in client.get(f"/portal/tickets/{open_ticket.id}").get_data(as_text=True)
