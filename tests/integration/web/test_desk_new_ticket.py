"""The desk opens tickets for customers who phoned, wrote elsewhere or chatted."""

from __future__ import annotations

from sqlalchemy import func, select

from app.domain.vocabulary import ActivityKind, Channel, Role
from app.extensions import db
from app.models import Activity, Customer, Message, Notification, Ticket, User
from tests.factories import make_agent, make_customer, make_org

FORM = {
    "channel": "phone",
    "subject": "Cannot print invoices",
    "description": "The print button does nothing since Monday.",
    "category": "billing",
    "priority": "high",
    "intent": "open",
}


def tickets() -> list[Ticket]:
    return list(db.session.scalars(select(Ticket)))


def test_the_customer_search_finds_by_the_start_of_a_name_or_address(client, login_as):
    dana = make_customer(name="Dana Scully", email="dana@fbi.test", organization=make_org(name="FBI"))
    make_customer(name="Fox Mulder", email="fox@fbi.test")
    login_as(make_agent())
    for query in ("dana", "Dan", "DANA@fbi", "dana scu"):
        found = client.get(f"/desk/customers/lookup?q={query}").get_json()["customers"]
        assert found == [
            {"id": dana.id, "name": "Dana Scully", "email": "dana@fbi.test", "organization": "FBI"}
        ]
    assert client.get("/desk/customers/lookup?q=d").get_json() == {"customers": []}
    assert client.get("/desk/customers/lookup?q=%25").get_json() == {"customers": []}  # LIKE is escaped
    assert client.get("/desk/customers/lookup?q=zz").get_json() == {"customers": []}


def test_the_customer_search_is_for_staff_only(client, login_as):
    make_customer(name="Dana Scully")
    assert client.get("/desk/customers/lookup?q=dana").status_code in (302, 401)
    login_as(make_customer().user)
    response = client.get("/desk/customers/lookup?q=dana", headers={"Accept": "application/json"})
    assert response.status_code in (302, 403)
    assert b"Dana" not in response.data


def test_an_agent_opens_a_phone_ticket_for_a_customer_with_a_first_note(client, login_as):
    customer = make_customer(name="Dana Scully")
    agent = make_agent(name="Walter Skinner")
    login_as(agent)
    response = client.post(
        "/desk/tickets/new", data={**FORM, "customer": str(customer.id), "note": "Called from her car."}
    )
    assert response.status_code == 302
    (ticket,) = tickets()
    assert response.headers["Location"].endswith(f"/desk/tickets/{ticket.id}")
    assert (ticket.customer_id, ticket.channel, ticket.priority.value) == (customer.id, Channel.phone, "high")
    assert ticket.tier == 1
    opened = db.session.scalars(select(Activity).where(Activity.kind == ActivityKind.ticket_opened)).one()
    assert opened.actor_id == agent.id and opened.data["opened_by"] == agent.id
    assert "by Walter Skinner for Dana Scully (phone)" in opened.summary
    note = db.session.scalars(select(Message).where(Message.ticket_id == ticket.id)).one()
    assert note.internal and note.body == "Called from her car."
    receipt = db.session.scalars(select(Notification).where(Notification.kind == "received")).one()
    assert receipt.recipient_email == customer.email
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cannot print invoices" in page and "Called from her car." in page


def test_a_chat_ticket_sends_no_receipt(client, login_as):
    customer = make_customer()
    login_as(make_agent())
    client.post("/desk/tickets/new", data={**FORM, "channel": "chat", "customer": str(customer.id)})
    (ticket,) = tickets()
    assert ticket.channel is Channel.chat
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_new_customer_is_created_unverified_with_the_ticket(client, login_as):
    login_as(make_agent())
    response = client.post(
        "/desk/tickets/new",
        data={**FORM, "channel": "email", "new_name": "Gibson Praise", "new_email": "Gibson@Example.TEST"},
    )
    assert response.status_code == 302
    customer = db.session.scalars(select(Customer).where(Customer.email == "gibson@example.test")).one()
    assert customer.name == "Gibson Praise" and customer.user.role is Role.customer
    assert customer.user.email_verified_at is None
    assert not customer.user.password_hash.startswith(("scrypt", "pbkdf2"))
    (ticket,) = tickets()
    assert ticket.customer_id == customer.id
    # The same address again is the same customer, not a second one.
    client.post(
        "/desk/tickets/new", data={**FORM, "new_name": "G. Praise", "new_email": "gibson@example.test"}
    )
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 1
    assert len(tickets()) == 2


def test_a_form_error_keeps_everything_typed_and_creates_nothing(client, login_as):
    customer = make_customer(name="Dana Scully")
    login_as(make_agent())
    response = client.post(
        "/desk/tickets/new",
        data={**FORM, "customer": str(customer.id), "description": "Broken", "note": "Keep me"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "at least 3 words and 15 characters" in page
    assert (
        "Broken</textarea>" in page
        and "Keep me</textarea>" in page
        and 'value="Cannot print invoices"' in page
    )
    assert f'value="{customer.id}" checked' in page  # the chosen customer stays chosen
    assert tickets() == []


def test_no_customer_or_a_staff_address_is_a_form_error(client, login_as):
    make_user_email = make_agent(email="skinner@fbi.test")
    login_as(make_agent())
    page = client.post("/desk/tickets/new", data=FORM).get_data(as_text=True)
    assert "Choose the customer, or add a new one." in page
    response = client.post(
        "/desk/tickets/new", data={**FORM, "new_name": "Walter", "new_email": make_user_email.email}
    )
    assert response.status_code == 400
    assert "belongs to a staff account" in response.get_data(as_text=True)
    assert tickets() == [] and db.session.scalar(select(func.count()).select_from(Customer)) == 0
    assert db.session.scalar(select(User.role).where(User.email == "skinner@fbi.test")) is Role.agent


def test_without_scripts_find_lists_the_matching_customers(client, login_as):
    make_customer(name="Dana Scully", email="dana@fbi.test")
    login_as(make_agent())
    response = client.post("/desk/tickets/new", data={**FORM, "customer_query": "dan", "intent": "find"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Dana Scully" in page and 'name="customer"' in page and tickets() == []
    page = client.post(
        "/desk/tickets/new", data={**FORM, "customer_query": "nobody", "intent": "find"}
    ).get_data(as_text=True)
    assert "No customer matches" in page


def test_a_customer_id_that_is_no_number_is_a_form_error(client, login_as):
    login_as(make_agent())
    response = client.post("/desk/tickets/new", data={**FORM, "customer": "²"})
    assert response.status_code == 400
    assert "Choose one of the customers listed." in response.get_data(as_text=True)
    response = client.post("/desk/tickets/new", data={**FORM, "customer": "99999"})
    assert response.status_code == 400 and tickets() == []
    page = response.get_data(as_text=True)
    assert "That customer no longer exists; search again." in page and 'value="Cannot print invoices"' in page
