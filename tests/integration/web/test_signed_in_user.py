"""The signed-in user is read afresh at every request, with their customer profile and its
organization in the same statement: a change another process commits (a deactivation, a role
change, a password change elsewhere) counts from the very next request."""

from __future__ import annotations

from sqlalchemy import event, text

from app.extensions import db
from app.services.accounts.api_tokens import create_api_token
from tests import factories


def _elsewhere(statement: str, **values: object) -> None:
    """A change committed by another worker: on a connection of its own, past this session."""
    with db.engine.begin() as connection:
        connection.execute(text(statement), values)


def _statements(app, client, path: str, **kwargs) -> tuple[object, list[str]]:
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(path, **kwargs)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return response, sent


def test_a_deactivation_elsewhere_ends_the_session_at_the_next_request(client, login_as):
    customer = factories.make_customer()
    login_as(customer.user)
    assert client.get("/portal/new").status_code == 200

    _elsewhere("UPDATE users SET active = :no WHERE id = :id", no=False, id=customer.user.id)

    response = client.get("/portal/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_a_role_change_elsewhere_counts_at_the_next_request(client, login_as):
    agent = factories.make_agent()
    login_as(agent)
    assert client.get("/desk/").status_code == 302  # on to the agent's queue

    _elsewhere("UPDATE users SET role = 'customer' WHERE id = :id", id=agent.id)

    assert client.get("/desk/").status_code == 403


def test_a_password_change_on_another_device_ends_this_session_at_the_next_request(client, login_as):
    customer = factories.make_customer()
    login_as(customer.user)
    assert client.get("/portal/").status_code == 200

    # What a password change elsewhere writes: the next session generation.
    _elsewhere(
        "UPDATE users SET session_generation = session_generation + 1 WHERE id = :id", id=customer.user.id
    )

    assert client.get("/portal/").status_code == 302


def test_the_user_their_profile_and_organization_come_in_one_statement(app, client, login_as):
    customer = factories.make_customer()  # with an organization
    assert customer.organization_id is not None
    login_as(customer.user)
    db.session.remove()  # the request starts from nothing, as in a worker

    response, sent = _statements(app, client, "/portal/new")

    assert response.status_code == 200
    reads = [s for s in sent if " FROM users" in s]
    assert len(reads) == 1, reads
    assert "JOIN customers" in reads[0] and "JOIN organizations" in reads[0]
    assert not [s for s in sent if s.startswith("SELECT") and " FROM customers" in s.split(" JOIN ")[0]]


def test_a_token_of_a_user_demoted_elsewhere_loses_the_desk_at_the_next_request(client):
    agent = factories.make_agent()
    headers = {"Authorization": f"Bearer {create_api_token(agent, 'script', 'read')[1]}"}
    customer = factories.make_customer()
    path = f"/api/v1/customers/{customer.id}"
    assert client.get(path, headers=headers).status_code == 200

    _elsewhere("UPDATE users SET role = 'customer' WHERE id = :id", id=agent.id)

    assert client.get(path, headers=headers).status_code in (403, 404)
