"""Admins keep organizations and contacts on screens: create, edit every account fact, mark
organization admins, merge two contacts who are one person."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Activity, AuditEntry, CsatAnswer, Customer, Organization, Ticket, User
from tests.factories import make_admin, make_agent, make_customer, make_org, make_ticket


def _org_form(**overrides) -> dict:
    data = {
        "name": "Initech",
        "account_tier": "named",
        "lifecycle_stage": "retention",
        "loyalty_segment": "",
        "lifetime_value": "125,000.50",
        "timezone": "Europe/Berlin",
        "account_manager": "",
    }
    data.update(overrides)
    return data


def test_an_admin_creates_and_edits_an_organization_with_every_fact(client, login_as):
    admin = make_admin()
    manager = make_agent(tier=2)
    login_as(admin)
    response = client.post("/admin/organizations/new", data=_org_form())
    assert response.status_code == 302
    org = db.session.scalars(select(Organization).where(Organization.name == "Initech")).one()
    assert (org.lifetime_value, org.timezone, org.account_tier.value) == (
        12_500_050,
        "Europe/Berlin",
        "named",
    )
    response = client.post(
        f"/admin/organizations/{org.id}/edit",
        data=_org_form(
            account_tier="strategic",
            loyalty_segment="active_loyal",
            lifetime_value="9",
            account_manager=str(manager.id),
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    org = db.session.get(Organization, org.id)
    assert (org.account_tier.value, org.loyalty_segment.value, org.lifetime_value) == (
        "strategic",
        "active_loyal",
        900,
    )
    assert org.account_manager_id == manager.id
    kinds = set(db.session.scalars(select(Activity.kind).where(Activity.organization_id == org.id)))
    assert {"account_tier_changed", "loyalty_changed", "organization_saved"} <= kinds
    assert db.session.scalar(select(func.count()).where(AuditEntry.kind == "organization_saved")) == 2


def test_every_wrong_fact_is_named_at_once(client, login_as):
    login_as(make_admin())
    response = client.post(
        "/admin/organizations/new",
        data=_org_form(name="", account_tier="gold", lifetime_value="lots", timezone="Mars/Olympus"),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "4 things to fix" in page
    for words in ("Give a name", "account_tier", "is not an amount", "is not a timezone name"):
        assert words in page
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 0


def test_an_admin_marks_an_organization_admin_who_then_sees_the_organization(client, login_as):
    login_as(make_admin())
    org = make_org()
    contact = make_customer(organization=org)
    response = client.post(
        f"/admin/contacts/{contact.id}/edit",
        data={"name": contact.name, "email": contact.email, "organization": str(org.id), "is_org_admin": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Customer, contact.id).is_org_admin
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.kind == "contact_saved")).one()


def test_a_contact_address_taken_by_another_is_refused_with_the_merge_hint(client, login_as):
    login_as(make_admin())
    one, two = make_customer(), make_customer()
    response = client.post(
        f"/admin/contacts/{one.id}/edit",
        data={"name": one.name, "email": two.email, "organization": ""},
    )
    assert response.status_code == 400
    assert "merge the two instead" in response.get_data(as_text=True)


def test_merging_moves_tickets_ratings_and_history_to_the_survivor(client, login_as):
    admin = make_admin()
    login_as(admin)
    org = make_org()
    survivor = make_customer(organization=org)
    other = make_customer(organization=org)
    tickets = [make_ticket(other), make_ticket(other)]
    db.session.add(CsatAnswer(ticket_id=tickets[0].id, customer_id=other.id, rating=4))
    db.session.commit()
    other_user_id = other.user_id
    response = client.post(
        f"/admin/contacts/{survivor.id}/merge", data={"other": other.email.upper(), "confirm": "y"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Customer, other.id) is None
    moved = db.session.scalars(select(Ticket.customer_id).where(Ticket.id.in_([t.id for t in tickets]))).all()
    assert moved == [survivor.id, survivor.id]
    assert db.session.scalars(select(CsatAnswer.customer_id)).one() == survivor.id
    assert not db.session.get(User, other_user_id).active  # the survivor's sign-in is the one kept
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == "contacts_merged")).one()
    assert entry.data["tickets"] == 2


def test_a_merge_needs_a_confirmation_and_a_known_other_contact(client, login_as):
    login_as(make_admin())
    survivor = make_customer()
    assert (
        client.post(
            f"/admin/contacts/{survivor.id}/merge", data={"other": "nobody@x.test", "confirm": "y"}
        ).status_code
        == 400
    )
    other = make_customer()
    assert client.post(f"/admin/contacts/{survivor.id}/merge", data={"other": other.email}).status_code == 400
    assert db.session.get(Customer, other.id) is not None


def test_agents_cannot_reach_the_organization_screens(client, login_as):
    login_as(make_agent(tier=4))
    org = make_org()
    assert client.get("/admin/organizations").status_code == 403
    assert client.post(f"/admin/organizations/{org.id}/edit", data=_org_form()).status_code == 403
