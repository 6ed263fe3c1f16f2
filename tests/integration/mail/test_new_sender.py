"""An unknown sender's login and customer record, written as plain INSERTs: every field and the
history line as the ORM wrote them, by mail and when the desk adds a customer."""

from __future__ import annotations

from sqlalchemy import func, select

from app.domain.vocabulary import ActivityKind, Role
from app.extensions import db
from app.models import Activity, Customer, Ticket, User
from app.services.accounts.contacts import NO_PASSWORD
from app.services.relationship.customer_lookup import add_customer
from tests.factories import make_agent
from tests.integration.mail.test_inbound import inbound_rows, mail


def _stored(address: str) -> tuple[User, Customer, list[Activity]]:
    db.session.expire_all()
    user = db.session.scalars(select(User).where(User.email == address)).one()
    customer = db.session.scalars(select(Customer).where(Customer.email == address)).one()
    history = db.session.scalars(
        select(Activity).where(Activity.customer_id == customer.id).order_by(Activity.id)
    ).all()
    return user, customer, list(history)


def _assert_new_unverified(user: User, customer: Customer, name: str, address: str) -> None:
    assert (user.email, user.name, user.role, user.password_hash) == (
        address,
        name,
        Role.customer,
        NO_PASSWORD,
    )
    assert (user.active, user.away, user.failed_logins, user.session_generation) == (True, False, 0, 0)
    assert user.email_verified_at is None and user.team_id is None and user.totp_enabled_at is None
    assert (customer.name, customer.email, customer.user_id) == (name, address, user.id)
    assert (customer.organization_id, customer.is_org_admin) == (None, False)
    assert user.customer is customer and customer.user is user


def test_a_new_sender_gets_an_unverified_login_a_customer_record_and_its_history_line(app, inbound):
    inbound.send(mail("Rosa Lind <Rosa@New.test>", "Printer", "It jams.", Message_ID="<n1@new.test>"))
    (row,) = inbound_rows()
    user, customer, history = _stored("rosa@new.test")
    _assert_new_unverified(user, customer, "Rosa Lind", "rosa@new.test")
    assert user.created_at == customer.created_at == row.received_at
    registered = [item for item in history if item.kind == ActivityKind.customer_registered.value]
    assert [(item.summary, item.actor_id) for item in registered] == [
        ("rosa@new.test wrote in by mail and became a customer", None)
    ]
    ticket = db.session.get(Ticket, row.ticket_id)
    assert ticket.customer_id == customer.id and ticket.customer.user_id == user.id


def test_a_nameless_sender_is_named_after_the_address_and_writing_again_adds_no_account(app, inbound):
    inbound.send(mail("quiet@new.test", "One", "First.", Message_ID="<o1@new.test>"))
    inbound.send(mail("quiet@new.test", "Two", "Second.", Message_ID="<o2@new.test>"))
    user, customer, history = _stored("quiet@new.test")
    _assert_new_unverified(user, customer, "quiet", "quiet@new.test")
    assert [item.kind for item in history].count(ActivityKind.customer_registered.value) == 1
    assert (
        db.session.scalar(select(func.count()).select_from(Ticket).where(Ticket.customer_id == customer.id))
        == 2
    )


def test_a_customer_the_desk_adds_is_written_the_same_way_with_the_agent_in_its_history(app, now):
    agent = make_agent(name="Ada Agent")
    made = add_customer(agent, "Mo  Phone", "Mo@Phone.test", now=now)
    user, customer, history = _stored("mo@phone.test")
    assert made.id == customer.id
    _assert_new_unverified(user, customer, "Mo Phone", "mo@phone.test")
    assert user.created_at == customer.created_at == now
    assert [(item.kind, item.summary, item.actor_id) for item in history] == [
        (
            ActivityKind.customer_registered.value,
            "Ada Agent added Mo Phone as a customer at the desk",
            agent.id,
        )
    ]
